import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';

export const MAX_QUERY_PRODUCTS = 100;

/** Product ids are PostgreSQL `integer`s. */
export const MAX_PRODUCT_ID = 2_147_483_647;

export const productIdSchema = Type.Integer({ minimum: 1, maximum: MAX_PRODUCT_ID });

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

const units = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

export const adjustStockBodySchema = strictObject({
  onHand: units,
  // Optional so existing callers keep working; every admin screen should send it.
  expectedOnHand: Type.Optional({
    ...units,
    description:
      'the on-hand figure the caller read; the adjustment applies only if it still holds (else 409 INV_STOCK_CHANGED), so units sold meanwhile are not overwritten',
  }),
});
