import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '@mockmart/service-kit/db';
import type { PaymentAccess } from '../access.ts';
import type { DeclineFault } from '../faults/decline-fault.ts';
import { PaymentDeclined } from '../errors.ts';
import { createCharge } from './create-charge.ts';
import { listCharges, publicCharge } from './charges-repository.ts';
import { voidChargeKey } from './void-charge.ts';
import {
  chargeBodySchema,
  chargeListQuerySchema,
  chargeListSchema,
  chargeSchema,
  idempotencyHeadersSchema,
  voidBodySchema,
  voidResultSchema,
} from '@mockmart/contracts/payment';

export interface ChargeRoutesOptions {
  db: Database;
  access: PaymentAccess;
  /** Runs before every call: the "down" and "slow" faults. */
  beforeCall: (reply: FastifyReply) => Promise<void>;
  /** The "decline" fault, for new charges. */
  declineFault: DeclineFault;
}

export async function chargeRoutes(fastify: FastifyInstance, options: ChargeRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, access, beforeCall } = options;
  const tags = ['charges'];

  app.post(
    '/api/payments/charges',
    {
      config: { auth: access.charge },
      schema: {
        tags,
        headers: idempotencyHeadersSchema,
        body: chargeBodySchema,
        response: { 201: chargeSchema },
      },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const { created, charge } = await createCharge(
        { db, declineFault: options.declineFault },
        {
          clientId: request.principal.clientId ?? request.principal.subject,
          idempotencyKey: request.headers['idempotency-key'],
          request: request.body,
        },
      );
      if (!created) void reply.header('idempotent-replayed', 'true');
      if (charge.status === 'declined') {
        // Recorded like any charge; the same key replays this same 402.
        throw new PaymentDeclined(`The payment was declined: ${charge.declineReason}`, {
          extensions: { reason: charge.declineReason, chargeId: charge.chargeId, orderId: charge.orderId },
        });
      }
      return reply.status(201).send(publicCharge(charge));
    },
  );

  // For a caller that lost track of a charge request (crash, timeout): answers the charge made with
  // that key, or voids the key so the request is refused if it still arrives. Same role as charging.
  app.post(
    '/api/payments/charges/void',
    {
      config: { auth: access.charge },
      schema: {
        tags,
        headers: idempotencyHeadersSchema,
        body: voidBodySchema,
        response: { 200: voidResultSchema },
      },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const outcome = await voidChargeKey(db, {
        clientId: request.principal.clientId ?? request.principal.subject,
        idempotencyKey: request.headers['idempotency-key'],
        orderId: request.body.orderId,
      });
      return outcome.status === 'voided'
        ? { status: 'voided' as const, netState: 'voided' as const }
        : {
            status: 'charged' as const,
            netState: outcome.charge.netState,
            charge: publicCharge(outcome.charge),
          };
    },
  );

  app.get(
    '/api/payments/charges',
    {
      config: { auth: access.read },
      schema: { tags, querystring: chargeListQuerySchema, response: { 200: chargeListSchema } },
    },
    async (request, reply) => {
      await beforeCall(reply);
      const charges = await listCharges(db, {
        orderId: request.query.orderId,
        limit: request.query.limit ?? 50,
      });
      return { items: charges.map(publicCharge) };
    },
  );
}
