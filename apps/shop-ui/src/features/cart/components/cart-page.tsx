import { Link } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { Empty, ErrorMessage, Loading } from '../../../components/status.tsx';
import { paths } from '../../../config/paths.ts';
import { describeError } from '../../../lib/api-error.ts';
import { formatMoney } from '../../../lib/money.ts';
import { useToast } from '../../../lib/toast.tsx';
import { CartItemRow } from './cart-item-row.tsx';
import { useCart } from './cart-provider.tsx';

export function CartPage() {
  const { cart, error, loading, reload, setQuantity, remove } = useCart();
  const toast = useToast();
  const guard = (action: (id: number, q?: number) => Promise<void>) => async (id: number, q?: number) => {
    try {
      await action(id, q);
    } catch (e) {
      toast.notify(describeError(e, 'The cart could not be updated.'), 'error');
      await reload();
    }
  };

  if (!cart && loading) return <Loading label="Loading your cart…" />;
  if (!cart) return <ErrorMessage error={error} onRetry={reload} fallback="Your cart could not be loaded." />;
  return (
    <Page title="Your cart">
      {cart.items.length === 0 ? (
        <Empty>
          <p data-testid="cart-empty">Your cart is empty.</p>
          <Link className="button" to={paths.home.to()}>
            Browse products
          </Link>
        </Empty>
      ) : (
        <div className="cart-layout">
          <ul className="cart-items">
            {cart.items.map((line) => (
              <CartItemRow
                key={line.productId}
                line={line}
                onQuantity={guard((id, q) => setQuantity(id, q ?? 0))}
                onRemove={guard((id) => remove(id))}
              />
            ))}
          </ul>
          <aside className="card summary" aria-labelledby="summary-title">
            <h2 id="summary-title">Summary</h2>
            <dl>
              <div className="summary__row">
                <dt>Subtotal</dt>
                <dd data-testid="cart-subtotal">{formatMoney(cart.total)}</dd>
              </div>
              <div className="summary__row">
                <dt>Shipping</dt>
                <dd>Free</dd>
              </div>
              <div className="summary__row summary__row--total">
                <dt>Total</dt>
                <dd data-testid="cart-total">{formatMoney(cart.total)}</dd>
              </div>
            </dl>
            <Link className="button button--block" to={paths.checkout.to()} data-testid="checkout-button">
              Proceed to checkout
            </Link>
            <Link className="button button--secondary button--block" to={paths.home.to()}>
              Continue shopping
            </Link>
          </aside>
        </div>
      )}
    </Page>
  );
}
