import { requireUser } from '@mockmart/auth';
import { checkoutProblem } from './checkout-answer.ts';
import { placeOrder } from './place-order.ts';
import { countCheckoutAnswer, countCheckoutRefusal } from './checkout-metrics.ts';
import { CheckoutBody, CheckoutHeaders, CheckoutResponse } from './schemas.ts';
import type { RoutePlugin } from '../lib/fastify.ts';
import type { SagaDeps } from './order-saga.ts';

/**
 * POST /api/checkout — a user token (aud shop-api) whose holder has the realm role can-checkout
 * (or the legacy canCheckout claim). Answers 201 with the confirmed order, or 402 / 409 / 503
 * problems with the failed order's id (checkout-answer.ts maps the order to its answer); an
 * Idempotency-Key replays the first answer.
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
      const problem = checkoutProblem(result.order);
      countCheckoutAnswer(result.replayed, problem?.code);
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      if (problem) throw problem;
      return reply
        .code(201)
        .header('location', `/api/orders/${result.order.id}`)
        .send({ success: true, order: result.order });
    },
  );
};
