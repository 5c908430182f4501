// Checkout: address + payment method, then one POST /api/checkout with an Idempotency-Key.
// The cart is passed in by the app (features never import each other).
import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Page } from '../../../components/page.tsx';
import { Empty } from '../../../components/status.tsx';
import { paths } from '../../../config/paths.ts';
import { useAuth } from '../../../lib/auth.tsx';
import { formatMoney } from '../../../lib/money.ts';
import type { Money } from '../../../lib/money.ts';
import { keyForSubmit } from '../api/attempt-key.ts';
import { isIndeterminate, placeOrder } from '../api/checkout.ts';
import type { PaymentMethod, ShippingAddress } from '../api/checkout.ts';
import { checkoutFailure } from '../api/checkout-messages.ts';
import type { CheckoutFailure } from '../api/checkout-messages.ts';
import { AddressFields, emptyAddress, missingFields } from './address-fields.tsx';
import { PaymentMethods } from './payment-methods.tsx';

export type CheckoutCart = {
  items: { productId: number; name: string; quantity: number; lineTotal: Money }[];
  total: Money;
};

type Props = { cart: CheckoutCart | undefined; onOrderPlaced: () => void; onCartStale: () => void };

export function CheckoutPage({ cart, onOrderPlaced, onCartStale }: Props) {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [address, setAddress] = useState<ShippingAddress>(emptyAddress);
  const [method, setMethod] = useState<PaymentMethod>('credit-card');
  const [invalid, setInvalid] = useState<(keyof ShippingAddress)[]>([]);
  const [failure, setFailure] = useState<CheckoutFailure | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  // The key of an attempt whose outcome is unknown, with the exact body it was sent with.
  const pending = useRef<{ key: string; body: string } | undefined>(undefined);

  if (!cart) return null;
  if (cart.items.length === 0) {
    return (
      <Page title="Checkout">
        <Empty>
          <p data-testid="checkout-empty">Your cart is empty.</p>
          <Link to={paths.home.to()}>Browse products</Link>
        </Empty>
      </Page>
    );
  }

  const allowed = user?.canCheckout ?? false;
  const nameOf = (id: number) => cart.items.find((i) => i.productId === id)?.name ?? `Product ${id}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = missingFields(address);
    setInvalid(missing);
    if (missing.length > 0) {
      setFailure({ kind: 'invalid', message: 'Please fill in all required fields.' });
      document.getElementById(`ship-${missing[0]}`)?.focus();
      return;
    }
    const request = { shippingAddress: address, paymentMethod: method };
    const attempt = keyForSubmit(pending.current, JSON.stringify(request), () => crypto.randomUUID());
    pending.current = attempt;
    setSubmitting(true);
    setFailure(undefined);
    try {
      const order = await placeOrder(request, attempt.key);
      pending.current = undefined;
      onOrderPlaced();
      navigate(paths.orderConfirmation.to(order.id), { replace: true });
    } catch (error) {
      if (!isIndeterminate(error)) pending.current = undefined;
      const f = checkoutFailure(error, nameOf);
      // A refused checkout gives the cart back (or changed what is available): show the server's cart.
      if (!isIndeterminate(error)) onCartStale();
      setFailure(f);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Page title="Checkout">
      {!allowed && (
        <div className="alert alert--error" role="alert" data-testid="checkout-not-allowed">
          Your account is not allowed to check out. Please contact support.
        </div>
      )}
      <form className="checkout-layout" onSubmit={submit} noValidate aria-describedby="checkout-feedback">
        <div>
          <AddressFields value={address} onChange={setAddress} invalid={invalid} />
          <PaymentMethods value={method} onChange={setMethod} />
        </div>
        <aside className="card summary" aria-labelledby="order-summary-title">
          <h2 id="order-summary-title">Order summary</h2>
          <ul className="summary__items">
            {cart.items.map((i) => (
              <li key={i.productId} className="summary__row">
                <span>
                  {i.name} × {i.quantity}
                </span>
                <span>{formatMoney(i.lineTotal)}</span>
              </li>
            ))}
          </ul>
          <div className="summary__row summary__row--total">
            <span>Total</span>
            <span data-testid="order-total">{formatMoney(cart.total)}</span>
          </div>
          <div id="checkout-feedback" aria-live="assertive">
            {failure && (
              <p
                className={`alert ${failure.kind === 'paid' ? 'alert--info' : 'alert--error'}`}
                role="alert"
                data-testid={`checkout-error-${failure.kind}`}
              >
                {failure.message}
                {failure.orderId !== undefined && (
                  <>
                    {' '}
                    <Link to={paths.order.to(failure.orderId)}>Follow your order</Link>
                  </>
                )}
              </p>
            )}
          </div>
          <button
            type="submit"
            className="button button--block"
            data-testid="place-order-button"
            disabled={!allowed || submitting}
            aria-busy={submitting}
          >
            {submitting ? 'Placing order…' : `Place order · ${formatMoney(cart.total)}`}
          </button>
        </aside>
      </form>
    </Page>
  );
}
