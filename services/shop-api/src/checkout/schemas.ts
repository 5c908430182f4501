import { Type, type Static } from '@sinclair/typebox';
import { ShippingAddressSchema } from '@mockmart/contracts/shop';

export const PAYMENT_METHODS = ['credit-card', 'paypal', 'bank-transfer', 'test-decline'] as const;
export const PaymentMethodSchema = Type.Union(
  [
    Type.Literal('credit-card'),
    Type.Literal('paypal'),
    Type.Literal('bank-transfer'),
    Type.Literal('test-decline'),
  ],
  { description: '`test-decline` always declines (for demos and tests)' },
);

export const CheckoutBody = Type.Object(
  { shippingAddress: ShippingAddressSchema, paymentMethod: PaymentMethodSchema },
  { additionalProperties: false },
);
export type CheckoutBody = Static<typeof CheckoutBody>;

export const CheckoutHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: '^[\\x21-\\x7E]+$',
        description:
          'unique per checkout attempt (UUID v4 recommended); a retry with the same key replays the first answer',
      }),
    ),
  },
  { additionalProperties: true },
);

// The order view and the checkout's answer are the UI's contract: declared once in @mockmart/contracts.
export {
  CheckoutResponse,
  ORDER_STATUSES,
  OrderSchema,
  OrderStatusSchema,
  ShippingAddressSchema,
  type OrderStatus,
  type OrderView,
  type ShippingAddress,
} from '@mockmart/contracts/shop';
