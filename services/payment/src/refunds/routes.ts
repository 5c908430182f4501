import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '@mockmart/service-kit/db';
import type { PaymentAccess } from '../access.ts';
import { createRefund } from './create-refund.ts';
import { publicRefund } from './refunds-repository.ts';
import {
  idempotencyHeadersSchema,
  refundBodySchema,
  refundParamsSchema,
  refundSchema,
} from '@mockmart/contracts/payment';

export interface RefundRoutesOptions {
  db: Database;
  access: PaymentAccess;
  beforeCall: (reply: FastifyReply) => Promise<void>;
}

export async function refundRoutes(fastify: FastifyInstance, options: RefundRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, access, beforeCall } = options;

  app.post(
    '/api/payments/charges/:chargeId/refunds',
    {
      config: { auth: access.refund },
      schema: {
        tags: ['refunds'],
        headers: idempotencyHeadersSchema,
        params: refundParamsSchema,
        body: refundBodySchema,
        response: { 201: refundSchema },
      },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const { created, refund } = await createRefund(db, {
        clientId: request.principal.clientId ?? request.principal.subject,
        idempotencyKey: request.headers['idempotency-key'],
        request: { chargeId: request.params.chargeId, ...request.body },
      });
      if (!created) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(publicRefund(refund));
    },
  );
}
