import { useCart } from './cart-provider.tsx';

export function CartBadge() {
  const { cart, loading } = useCart();
  const count = cart?.itemCount ?? 0;
  return (
    <>
      <span
        className="badge badge--count"
        data-testid="cart-count"
        data-state={loading ? 'loading' : 'ready'}
        aria-hidden="true"
      >
        {count}
      </span>
      <span className="visually-hidden">
        , {count} {count === 1 ? 'item' : 'items'}
      </span>
    </>
  );
}
