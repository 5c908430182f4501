import { Type, type Static } from '@sinclair/typebox';

const line = (maxLength: number, pattern = '\\S') => Type.String({ minLength: 1, maxLength, pattern });

export const ShippingAddressSchema = Type.Object(
  {
    firstName: line(80),
    lastName: line(80),
    address: line(200),
    city: line(100),
    zipCode: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{1,10}[A-Za-z0-9]$',
      description: 'postal code, 3-12 letters, digits, spaces or dashes',
    }),
    phone: Type.String({
      pattern: '^\\+?[0-9][0-9 ().-]{5,23}$',
      description: 'phone number, digits with optional +, spaces, dots, dashes, parentheses',
    }),
  },
  { additionalProperties: false },
);
export type ShippingAddress = Static<typeof ShippingAddressSchema>;

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

export const ORDER_STATUSES = [
  'pending',
  'reserved',
  'paid',
  'refunding',
  'confirmed',
  'failed',
  'cancelled',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const OrderStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('reserved'),
  Type.Literal('paid'),
  Type.Literal('refunding'),
  Type.Literal('confirmed'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
  Type.Literal('refunded'),
]);

export const OrderItemSchema = Type.Object(
  {
    productId: Type.Integer(),
    productName: Type.String(),
    quantity: Type.Integer(),
    price: Type.Number({ description: 'unit price, major units (parity)' }),
    priceMinor: Type.Integer({ description: 'unit price, minor units' }),
    lineTotalMinor: Type.Integer(),
  },
  { additionalProperties: false },
);

export const OrderSchema = Type.Object(
  {
    id: Type.Integer(),
    userId: Type.String(),
    status: OrderStatusSchema,
    statusReason: Type.Union([Type.String(), Type.Null()], {
      description: 'machine reason of failed/cancelled/refunded: out_of_stock, payment_declined, …',
    }),
    statusDetail: Type.Union([Type.String(), Type.Null()]),
    items: Type.Array(OrderItemSchema),
    total: Type.Number({ description: 'major units (parity)' }),
    totalMinor: Type.Integer(),
    currency: Type.String(),
    shippingAddress: ShippingAddressSchema,
    paymentMethod: Type.String(),
    paymentTransactionId: Type.Union([Type.String(), Type.Null()], {
      description: 'charge id at the payment service',
    }),
    unavailable: Type.Union([
      Type.Array(
        Type.Object(
          {
            productId: Type.Integer(),
            productName: Type.String(),
            requested: Type.Integer(),
            available: Type.Integer(),
          },
          { additionalProperties: false },
        ),
      ),
      Type.Null(),
    ]),
    history: Type.Array(
      Type.Object(
        { status: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), at: Type.String() },
        { additionalProperties: false },
      ),
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type OrderView = Static<typeof OrderSchema>;

export const CheckoutResponse = Type.Object(
  { success: Type.Literal(true), order: OrderSchema },
  { additionalProperties: false },
);
