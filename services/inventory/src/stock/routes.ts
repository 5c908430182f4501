import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '@mockmart/service-kit/db';
import type { InventoryAccess } from '../access.ts';
import { adjustStock } from './adjust-stock.ts';
import { findStock } from './stock-repository.ts';
import {
  adjustStockBodySchema,
  productParamsSchema,
  stockLevelSchema,
  stockListSchema,
  stockQuerySchema,
} from './schemas.ts';

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
