import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';
import { productIdSchema } from '../stock/schemas.ts';

export const MAX_RESERVATION_ITEMS = 100;

/** Order ids are opaque to inventory: short, printable, safe in a URL path. */
export const orderIdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' });

const itemSchema = strictObject({
  productId: productIdSchema,
  quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
});

export const reserveBodySchema = strictObject({
  orderId: orderIdSchema,
  items: Type.Array(itemSchema, { minItems: 1, maxItems: MAX_RESERVATION_ITEMS }),
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
});

export const orderParamsSchema = strictObject({ orderId: orderIdSchema });

export const reservationSchema = Type.Object({
  orderId: Type.String(),
  status: Type.Union([
    Type.Literal('held'),
    Type.Literal('committed'),
    Type.Literal('released'),
    Type.Literal('expired'),
    Type.Literal('reversed'),
  ]),
  expiresAt: Type.String({ format: 'date-time' }),
  items: Type.Array(Type.Object({ productId: Type.Integer(), quantity: Type.Integer() })),
});
