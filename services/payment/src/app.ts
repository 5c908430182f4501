import type { FastifyReply } from 'fastify';
import { createApp, type Logger } from '@mockmart/service-kit';
import type { Database } from '@mockmart/service-kit/db';
import { callerGone, createFaultSwitch, faultRoutes, injectDelay } from '@mockmart/service-kit/faults';
import { openApi } from '@mockmart/service-kit/openapi';
import type { AccessTokenVerifier } from '@mockmart/auth';
import { authPlugin } from '@mockmart/auth/fastify';
import type { Config } from './config.ts';
import { paymentAccess } from './access.ts';
import { PaymentUnavailable } from './errors.ts';
import { chargeRoutes } from './charges/routes.ts';
import { refundRoutes } from './refunds/routes.ts';
import { DEFAULT_SLOW_MS, PAYMENT_FAULT_MODES } from './faults/modes.ts';
import { declineFault } from './faults/decline-fault.ts';

export interface PaymentDeps {
  config: Config;
  db: Database;
  verifier: AccessTokenVerifier;
  logger?: Logger;
}

/** Builds the payment app (no listening): health, OpenAPI, auth, charges, refunds, faults. */
export async function buildApp({ config, db, verifier, logger }: PaymentDeps) {
  const app = await createApp({
    name: 'payment',
    config,
    ...(logger ? { logger } : {}),
    readiness: { database: () => db.ping() },
  });

  // In production the switch is disabled: its routes do not exist and it never reads the database.
  const faults = createFaultSwitch({
    db,
    enabled: config.NODE_ENV !== 'production',
    modes: PAYMENT_FAULT_MODES,
  });
  const beforeCall = async (reply: FastifyReply) => {
    const customer = (reply.request.body as { customer?: { userId?: string } } | undefined)?.customer;
    const fault = await faults.take(['down', 'slow'], {
      read: reply.request.method === 'GET',
      userId: customer?.userId,
    });
    if (fault?.mode === 'down') {
      throw new PaymentUnavailable('Simulated outage', { headers: { 'retry-after': '1' } });
    }
    if (fault) await injectDelay(fault.delayMs ?? DEFAULT_SLOW_MS, undefined, callerGone(reply));
  };

  await app.register(openApi, {
    title: 'MockMart payment',
    description:
      'Simulated payment provider with real bookkeeping: idempotent charges, decline rules, refunds.',
    version: '1.0.0',
  });
  await app.register(authPlugin, { verifier });

  const access = paymentAccess(config.KEYCLOAK_CLIENT_ID);
  await app.register(chargeRoutes, { db, access, beforeCall, declineFault: declineFault(faults) });
  await app.register(refundRoutes, { db, access, beforeCall });
  await app.register(faultRoutes, {
    faults,
    guard: access.faults,
    actor: (request) => request.principal?.clientId ?? 'unknown',
  });

  return app;
}
