import { env } from '../../../config/env.ts';
import type { PaymentMethod } from '../api/checkout.ts';

const METHODS: { value: PaymentMethod; label: string; hint?: string }[] = [
  { value: 'credit-card', label: 'Credit card' },
  { value: 'paypal', label: 'PayPal' },
  { value: 'bank-transfer', label: 'Bank transfer' },
];

// Offered only in development builds: the payment service always declines this method, which
// lets people (and the e2e suite) see the decline path without touching fault switches.
const TEST_METHOD = {
  value: 'test-decline' as const,
  label: 'Test card (always declined)',
  hint: 'development only',
};

export function PaymentMethods({
  value,
  onChange,
}: {
  value: PaymentMethod;
  onChange: (m: PaymentMethod) => void;
}) {
  const methods = env.testPaymentMethods ? [...METHODS, TEST_METHOD] : METHODS;
  return (
    <fieldset className="fieldset">
      <legend>Payment method</legend>
      <div className="radio-list">
        {methods.map((m) => (
          <label key={m.value} className="radio">
            <input
              type="radio"
              name="paymentMethod"
              value={m.value}
              data-testid={`payment-${m.value}`}
              checked={value === m.value}
              onChange={() => onChange(m.value)}
            />
            <span>
              {m.label}
              {m.hint && <small className="muted"> — {m.hint}</small>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
