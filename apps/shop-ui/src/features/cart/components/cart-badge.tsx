import { useCart } from './cart-provider.tsx';

export function CartBadge() {
  const { cart } = useCart();
  const count = cart?.itemCount ?? 0;
  return (
    <>
      <span className="badge badge--count" data-testid="cart-count" aria-hidden="true">
        {count}
      </span>
      <span className="visually-hidden">
        , {count} {count === 1 ? 'item' : 'items'}
      </span>
    </>
  );
}
