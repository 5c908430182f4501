import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';

export const MAX_QUERY_PRODUCTS = 100;

export const productIdSchema = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const stockLevelSchema = Type.Object({
  productId: Type.Integer(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
});

export const stockQuerySchema = strictObject({
  // A comma-separated list of product ids, bounded so a query cannot ask for everything twice over.
  productIds: Type.Optional(
    Type.String({ pattern: `^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9}){0,${MAX_QUERY_PRODUCTS - 1}}$` }),
  ),
});

export const stockListSchema = Type.Object({ items: Type.Array(stockLevelSchema) });

export const productParamsSchema = strictObject({ productId: productIdSchema });

export const adjustStockBodySchema = strictObject({
  onHand: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
});
