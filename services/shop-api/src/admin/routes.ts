import { Type } from '@sinclair/typebox';
import { requireActiveAdmin, requireAdmin } from '../lib/admin-guard.ts';
import { cancelOrder, type CancelDeps } from './cancel-order.ts';
import { relay } from './forward.ts';
import { getOrder, listOrders } from '../checkout/order-queries.ts';
import { OrderSchema, OrderStatusSchema } from '../checkout/schemas.ts';
import { pageSchema, pagingQuery } from '../lib/pagination.ts';
import { OrderIdParams } from '../orders/routes.ts';
import type { InventoryClient } from '../downstream/inventory-client.ts';
import type { NotificationClient } from '../downstream/notification-client.ts';
import type { PaymentClient } from '../downstream/payment-client.ts';
import type { RoutePlugin } from '../lib/fastify.ts';

export interface AdminDeps extends CancelDeps {
  inventory: InventoryClient;
  payment: PaymentClient;
  notification: NotificationClient;
  /** Fault switches are a development aid: never registered in production. */
  faultsEnabled: boolean;
}

const admin = requireAdmin;
const security: Array<Record<string, string[]>> = [{ bearer: [] }];
const ProductIdParams = Type.Object(
  { productId: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { additionalProperties: false },
);
const ServiceParams = Type.Object(
  { service: Type.Union([Type.Literal('inventory'), Type.Literal('payment'), Type.Literal('notification')]) },
  { additionalProperties: false },
);
const FaultBody = Type.Object(
  {
    mode: Type.Union([
      Type.Literal('decline'),
      Type.Literal('slow'),
      Type.Literal('down'),
      Type.Literal('out-of-stock'),
      Type.Literal('timeout'),
      Type.Literal('invalid-email'),
      Type.Literal('slow-template'),
      Type.Literal('none'),
    ]),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60000 })),
    remaining: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    // The users a fault is aimed at (their `sub`), and whether catalog and stock reads take it too.
    userIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S+$' }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
      }),
    ),
    includeReads: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * Everything under /api/admin needs the realm role `admin`; the writes (cancel and refund, stock,
 * fault switches) also a token the idp still reports active (lib/admin-guard.ts).
 */
export const adminRoutes: RoutePlugin<AdminDeps> = async (app, { deps }) => {
  app.get(
    '/api/admin/orders',
    {
      config: { auth: admin },
      schema: {
        tags: ['admin'],
        security,
        querystring: Type.Object(
          {
            status: Type.Optional(OrderStatusSchema),
            userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            ...pagingQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Union([Type.Array(OrderSchema), pageSchema(OrderSchema)]) },
      },
    },
    async (request) => listOrders(deps.db, request.query),
  );

  app.get(
    '/api/admin/orders/:id',
    {
      config: { auth: admin },
      schema: { tags: ['admin'], security, params: OrderIdParams, response: { 200: OrderSchema } },
    },
    async (request) => getOrder(deps.db, request.params.id, undefined),
  );

  app.post(
    '/api/admin/orders/:id/cancel',
    {
      config: { auth: requireActiveAdmin },
      schema: {
        tags: ['admin'],
        security,
        description:
          'confirmed → refunded (full refund); a stuck pending/reserved/paid order → cancelled (release + refund)',
        params: OrderIdParams,
        body: Type.Optional(
          Type.Object(
            { note: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: OrderSchema },
      },
    },
    async (request) => cancelOrder(deps, request.params.id, request.body?.note),
  );

  app.get(
    '/api/admin/stock',
    {
      config: { auth: admin },
      schema: { tags: ['admin'], security, description: 'forwards GET /api/inventory/stock' },
    },
    async (_request, reply) =>
      relay(
        reply,
        'inventory',
        await deps.inventory.http.request({ method: 'GET', path: '/api/inventory/stock' }),
      ),
  );

  app.get(
    '/api/admin/stock/:productId',
    {
      config: { auth: admin },
      schema: {
        tags: ['admin'],
        security,
        params: ProductIdParams,
        description: 'forwards GET /api/inventory/stock?productIds=:productId',
      },
    },
    async (request, reply) =>
      relay(
        reply,
        'inventory',
        await deps.inventory.http.request({
          method: 'GET',
          path: '/api/inventory/stock',
          query: { productIds: request.params.productId },
        }),
      ),
  );

  app.put(
    '/api/admin/stock/:productId',
    {
      config: { auth: requireActiveAdmin },
      schema: {
        tags: ['admin'],
        security,
        params: ProductIdParams,
        body: Type.Object(
          {
            onHand: Type.Integer({ minimum: 0, maximum: 1000000 }),
            expectedOnHand: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000 })),
          },
          { additionalProperties: false },
        ),
        description:
          'forwards PUT /api/inventory/stock/:productId; with expectedOnHand (the figure read) a sale made since is never overwritten: 409 INV_STOCK_CHANGED',
      },
    },
    async (request, reply) =>
      relay(
        reply,
        'inventory',
        // stock:admin lives only in the inventory-admin scope: the checkout token could not do this.
        await deps.inventory.admin.request({
          method: 'PUT',
          path: `/api/inventory/stock/${request.params.productId}`,
          body: request.body,
        }),
      ),
  );

  app.get(
    '/api/admin/mailbox',
    {
      config: { auth: admin },
      schema: {
        tags: ['admin'],
        security,
        description: 'forwards GET /api/notifications/mailbox',
        querystring: Type.Object(
          {
            orderId: Type.Optional(Type.Integer({ minimum: 1 })),
            userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            // notification's own bound: a larger limit would only come back as its 400.
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      relay(
        reply,
        'notification',
        await deps.notification.admin.request({
          method: 'GET',
          path: '/api/notifications/mailbox',
          query: request.query,
        }),
      ),
  );

  if (!deps.faultsEnabled) return;
  // Each service's switch with its own `<service>-faults` token (faults:manage of that service only).
  const clients = {
    inventory: deps.inventory.faults,
    payment: deps.payment.faults,
    notification: deps.notification.faults,
  };

  app.get(
    '/api/admin/faults/:service',
    {
      config: { auth: admin },
      schema: { tags: ['admin'], security, params: ServiceParams, description: 'development only' },
    },
    async (request, reply) =>
      relay(
        reply,
        request.params.service,
        await clients[request.params.service].request({ method: 'GET', path: '/api/faults' }),
      ),
  );

  app.put(
    '/api/admin/faults/:service',
    {
      config: { auth: requireActiveAdmin },
      schema: {
        tags: ['admin'],
        security,
        params: ServiceParams,
        body: FaultBody,
        description: 'development only',
      },
    },
    async (request, reply) =>
      relay(
        reply,
        request.params.service,
        await clients[request.params.service].request({
          method: 'PUT',
          path: '/api/faults',
          body: request.body,
        }),
      ),
  );
};
