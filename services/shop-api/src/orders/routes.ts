import { Type } from '@sinclair/typebox';
import { requireUser } from '@mockmart/auth';
import { readableOrder } from '../checkout/order-queries.ts';
import { OrderSchema } from '../checkout/schemas.ts';
import { pageSchema, pagingQuery } from '../lib/pagination.ts';
import type { Queryable } from '../lib/db.ts';
import type { RoutePlugin } from '../lib/fastify.ts';
import type { OrderHistoryCache } from './order-history-cache.ts';
import { orderHistoryEtag } from './order-history.ts';
import { matchesIfNoneMatch } from '@mockmart/service-kit';

const tags = ['orders'];
const security: Array<Record<string, string[]>> = [{ bearer: [] }];
export const OrderIdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { additionalProperties: false },
);

/** The signed-in user's own orders (user token, aud shop-api); the owner is the token's `sub`. */
export const ordersRoutes: RoutePlugin<{ db: Queryable; orderHistory: OrderHistoryCache }> = async (
  app,
  { deps },
) => {
  app.get(
    '/api/orders',
    {
      config: { auth: requireUser() },
      schema: {
        tags,
        security,
        description: 'Newest first. Plain array without page/pageSize (parity); a page envelope with either.',
        querystring: Type.Object({ ...pagingQuery }, { additionalProperties: false }),
        response: {
          200: Type.Union([Type.Array(OrderSchema), pageSchema(OrderSchema)]),
          304: Type.Null({
            description: "Not modified: the If-None-Match ETag names the user's orders as they are",
          }),
        },
      },
    },
    // PostgreSQL writes the document (order-history.ts), kept while current (order-history-cache.ts).
    // A string with a JSON content type goes out as it is; the schema above still describes it
    // (OpenAPI; order-history.test.ts compares).
    // A client that kept a page asks with If-None-Match and gets 304 after one index read: the
    // version check, without the document (order-history.ts, orderHistoryEtag).
    async (request, reply) => {
      const userId = request.principal.subject;
      const condition = request.headers['if-none-match'];
      // Checked for the condition, the version is not asked again for the answer.
      const version = condition === undefined ? undefined : await deps.orderHistory.version(userId);
      if (version !== undefined) {
        const etag = orderHistoryEtag(version);
        if (matchesIfNoneMatch(condition, etag)) return reply.code(304).header('etag', etag).send(null);
      }
      const history = await deps.orderHistory.read({ ...request.query, userId }, version);
      return reply
        .header('etag', orderHistoryEtag(history.version))
        .type('application/json; charset=utf-8')
        .send(history.json as never);
    },
  );

  app.get(
    '/api/orders/:id',
    {
      config: { auth: requireUser() },
      schema: {
        tags,
        security,
        params: OrderIdParams,
        response: {
          200: OrderSchema,
          304: Type.Null({ description: 'Not modified: the If-None-Match ETag names the order as it is' }),
        },
      },
    },
    // A client waiting for its order to settle asks with If-None-Match and gets 304 after one index
    // read while nothing changed; someone else's order is 404 either way.
    async (request, reply) => {
      const order = await readableOrder(deps.db, request.params.id, request.principal.subject);
      reply.header('etag', order.etag);
      if (matchesIfNoneMatch(request.headers['if-none-match'], order.etag)) return reply.code(304).send(null);
      return reply.send(await order.view());
    },
  );
};
