import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';
import { amountSchema } from '../charges/schemas.ts';

export const refundParamsSchema = strictObject({
  chargeId: Type.String({ pattern: '^ch_[0-9a-f-]{36}$' }),
});

export const refundBodySchema = strictObject({
  /** Minor units; absent means "whatever is left of the charge". */
  amount: Type.Optional(amountSchema),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
});

export const refundSchema = Type.Object({
  refundId: Type.String(),
  chargeId: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  reason: Type.String(),
  status: Type.Literal('succeeded'),
  createdAt: Type.String({ format: 'date-time' }),
});
