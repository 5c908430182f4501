import { requireUser } from '@mockmart/auth';
import { errorFrom } from './checkout-response.ts';
import { placeOrder } from './place-order.ts';
import { countCheckoutAnswer, countCheckoutRefusal } from './checkout-metrics.ts';
import { CheckoutBody, CheckoutHeaders, CheckoutResponse, type OrderView } from './schemas.ts';
import type { RoutePlugin } from '../lib/fastify.ts';
import type { SagaDeps } from './order-saga.ts';

/**
 * POST /api/checkout — a user token (aud shop-api) whose holder has the realm role can-checkout
 * (or the legacy canCheckout claim). Answers 201 with the confirmed order, or 402 / 409 / 503
 * problems with the failed order's id; an Idempotency-Key replays the first answer.
 */
export const checkoutRoutes: RoutePlugin<SagaDeps> = async (app, { deps }) => {
  app.post(
    '/api/checkout',
    {
      config: { auth: requireUser() },
      schema: {
        tags: ['checkout'],
        security: [{ bearer: [] }],
        headers: CheckoutHeaders,
        body: CheckoutBody,
        response: { 201: CheckoutResponse },
      },
    },
    async (request, reply) => {
      const result = await placeOrder(deps, {
        principal: request.principal,
        body: request.body,
        idempotencyKey: request.headers['idempotency-key'],
      }).catch((error: unknown) => {
        countCheckoutRefusal((error as { code?: string }).code ?? 'error');
        throw error;
      });
      countCheckoutAnswer(result);
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      if (result.response.kind === 'error') throw errorFrom(result.response);
      const body = result.response.body as { success: true; order: OrderView };
      return reply.code(201).header('location', `/api/orders/${body.order.id}`).send(body);
    },
  );
};
