import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ValidationFailed } from '@mockmart/service-kit';
import type { Database } from '@mockmart/service-kit/db';
import type { InventoryAccess } from '../access.ts';
import { adjustStock } from './adjust-stock.ts';
import { findStock } from './stock-repository.ts';
import {
  adjustStockBodySchema,
  MAX_PRODUCT_ID,
  productParamsSchema,
  stockLevelSchema,
  stockListSchema,
  stockQuerySchema,
} from '@mockmart/contracts/inventory';

export interface StockRoutesOptions {
  db: Database;
  access: InventoryAccess;
  /** Runs before every stock call: the "slow" fault. */
  beforeCall: (reply: FastifyReply) => Promise<void>;
}

export async function stockRoutes(fastify: FastifyInstance, options: StockRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, access, beforeCall } = options;

  app.get(
    '/api/inventory/stock',
    {
      config: { auth: access.read },
      schema: { tags: ['stock'], querystring: stockQuerySchema, response: { 200: stockListSchema } },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const ids = request.query.productIds?.split(',').map(Number);
      // The pattern allows up to 10 digits; past the int4 range PostgreSQL threw (`$1::int[]`) and
      // the call ended as a 500. No product can have such an id: it is bad input, a 400.
      if (ids?.some((id) => id > MAX_PRODUCT_ID)) {
        const problem = `querystring/productIds must hold product ids of at most ${MAX_PRODUCT_ID}`;
        throw new ValidationFailed(problem, { extensions: { errors: [problem] } });
      }
      return { items: await findStock(db, ids ? [...new Set(ids)] : undefined) };
    },
  );

  app.put(
    '/api/inventory/stock/:productId',
    {
      config: { auth: access.admin },
      schema: {
        tags: ['stock'],
        params: productParamsSchema,
        body: adjustStockBodySchema,
        response: { 200: stockLevelSchema },
      },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const level = await adjustStock(db, request.params.productId, request.body);
      request.log.info(
        { productId: level.productId, onHand: level.onHand, caller: request.principal?.clientId },
        'stock adjusted',
      );
      return level;
    },
  );
}
