import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';

/** Order ids are opaque to payment: short, printable, safe in a URL. */
export const orderIdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' });
export const currencySchema = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
/** Integer minor units (cents); bounded so arithmetic stays exact. */
export const amountSchema = Type.Integer({ minimum: 1, maximum: 100_000_000 });

/** The UI's methods, plus `test-decline`, which always declines (see decline-rules.ts). */
export const paymentMethodSchema = Type.Union([
  Type.Literal('credit-card'),
  Type.Literal('paypal'),
  Type.Literal('bank-transfer'),
  Type.Literal('test-decline'),
]);

export const idempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.String({ minLength: 8, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' }),
});

export const chargeBodySchema = strictObject({
  orderId: orderIdSchema,
  amount: amountSchema,
  currency: currencySchema,
  paymentMethod: paymentMethodSchema,
  // Asserted by shop-api from the shopper's verified token; payment never reads identity from a user.
  customer: strictObject({
    userId: Type.String({ minLength: 1, maxLength: 128 }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  }),
});

export const chargeSchema = Type.Object({
  chargeId: Type.String(),
  orderId: Type.String(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('declined')]),
  amount: Type.Integer(),
  currency: Type.String(),
  paymentMethod: Type.String(),
  declineReason: Type.Union([Type.String(), Type.Null()]),
  refundedAmount: Type.Integer(),
  netState: Type.Union(
    [
      Type.Literal('captured'),
      Type.Literal('partially_refunded'),
      Type.Literal('refunded'),
      Type.Literal('declined'),
    ],
    { description: 'what the charge amounts to now, refunds included' },
  ),
  createdAt: Type.String({ format: 'date-time' }),
});

export const chargeListQuerySchema = strictObject({
  orderId: Type.Optional(orderIdSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const chargeListSchema = Type.Object({ items: Type.Array(chargeSchema) });

/** Settle an unknown charge request: the Idempotency-Key header names the request to settle. */
export const voidBodySchema = strictObject({ orderId: orderIdSchema });

export const voidResultSchema = Type.Object({
  status: Type.Union([Type.Literal('voided'), Type.Literal('charged')]),
  /** The settled request's net outcome in one word: 'voided' (never charged) or the charge's netState. */
  netState: Type.Union([
    Type.Literal('voided'),
    Type.Literal('captured'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
    Type.Literal('declined'),
  ]),
  charge: Type.Optional(chargeSchema),
});
