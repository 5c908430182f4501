/**
 * payment's contract (`aud: payment-service`): charges, their settlement and refunds. payment
 * validates and serializes with these schemas; shop-api's payment client reads their types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { orderIdSchema } from './lib/order-ref.ts';
import { strictObject } from './lib/strict-object.ts';
import type { Endpoint } from './lib/endpoint.ts';

export { orderIdSchema };

export const currencySchema = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
/** Integer minor units (cents); bounded so arithmetic stays exact. */
export const amountSchema = Type.Integer({ minimum: 1, maximum: 100_000_000 });

/** The UI's methods, plus `test-decline`, which always declines (see payment's decline-rules.ts). */
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
export type ChargeBody = Static<typeof chargeBodySchema>;

/** What a charge amounts to now, refunds included: only `captured` is a payment in full. */
export const netStateSchema = Type.Union(
  [
    Type.Literal('captured'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
    Type.Literal('declined'),
  ],
  { title: 'netState', description: 'what the charge amounts to now, refunds included' },
);
export type NetState = Static<typeof netStateSchema>;

export const chargeSchema = Type.Object(
  {
    chargeId: Type.String(),
    orderId: Type.String(),
    status: Type.Union([Type.Literal('succeeded'), Type.Literal('declined')]),
    amount: Type.Integer(),
    currency: Type.String(),
    paymentMethod: Type.String(),
    declineReason: Type.Union([Type.String(), Type.Null()]),
    refundedAmount: Type.Integer(),
    netState: netStateSchema,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'charge' },
);
export type Charge = Static<typeof chargeSchema>;

/** The extension members of 402 PAY_DECLINED (the declined charge is recorded too). */
export const declinedSchema = Type.Object({
  reason: Type.String(),
  chargeId: Type.String(),
  orderId: Type.String(),
});
export type Declined = Static<typeof declinedSchema>;

export const chargeListQuerySchema = strictObject({
  orderId: Type.Optional(orderIdSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const chargeListSchema = Type.Object({ items: Type.Array(chargeSchema) });
export type ChargeList = Static<typeof chargeListSchema>;

/** Settle an unknown charge request: the Idempotency-Key header names the request to settle. */
export const voidBodySchema = strictObject({ orderId: orderIdSchema });

export const voidResultSchema = Type.Object({
  status: Type.Union([Type.Literal('voided'), Type.Literal('charged')]),
  /** The settled request's net outcome in one word: 'voided' (never charged) or the charge's netState. */
  netState: Type.Union([Type.Literal('voided'), netStateSchema]),
  charge: Type.Optional(chargeSchema),
});
export type VoidResult = Static<typeof voidResultSchema>;

export const refundParamsSchema = strictObject({
  chargeId: Type.String({ pattern: '^ch_[0-9a-f-]{36}$' }),
});

export const refundBodySchema = strictObject({
  /** Minor units; absent means "whatever is left of the charge". */
  amount: Type.Optional(amountSchema),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
});
export type RefundBody = Static<typeof refundBodySchema>;

export const refundSchema = Type.Object({
  refundId: Type.String(),
  chargeId: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  reason: Type.String(),
  status: Type.Literal('succeeded'),
  /** The refunded charge's net state now, as every charge answer tells it. */
  netState: netStateSchema,
  createdAt: Type.String({ format: 'date-time' }),
});
export type Refund = Static<typeof refundSchema>;

const base = '/api/payments';

export const paymentEndpoints: readonly Endpoint[] = [
  {
    method: 'POST',
    path: `${base}/charges`,
    role: 'payments:charge',
    headers: ['Idempotency-Key'],
    body: chargeBodySchema,
    answers: [
      { status: 201, body: chargeSchema, when: "`status: 'succeeded'`" },
      { status: 402, code: 'PAY_DECLINED', body: declinedSchema, when: 'declined, and recorded' },
      { status: 422, code: 'PAY_IDEMPOTENCY_MISMATCH', when: 'same key, different body' },
      { status: 409, code: 'PAY_CHARGE_VOIDED', when: 'the key was voided' },
    ],
    notes:
      'a replay with the same key and body gets the same status and body (the charge as it is now); one succeeded charge per order at most',
  },
  {
    method: 'GET',
    path: `${base}/charges`,
    role: 'payments:read',
    query: chargeListQuerySchema,
    answers: [{ status: 200, body: chargeListSchema }],
    notes: 'recovery uses it',
  },
  {
    method: 'POST',
    path: `${base}/charges/void`,
    role: 'payments:charge',
    headers: ['Idempotency-Key'],
    body: voidBodySchema,
    answers: [{ status: 200, body: voidResultSchema }],
    notes:
      'settles a charge request whose fate the caller lost: `status: "charged"` with the charge, or voids the key (`netState: "voided"`) so the request is refused (409 `PAY_CHARGE_VOIDED`) if it still arrives',
  },
  {
    method: 'POST',
    path: `${base}/charges/:chargeId/refunds`,
    role: 'payments:refund',
    headers: ['Idempotency-Key'],
    body: refundBodySchema,
    answers: [
      { status: 201, body: refundSchema },
      { status: 409, code: 'PAY_ALREADY_REFUNDED', when: 'nothing left to refund' },
    ],
    notes: 'idempotent',
  },
];
