import type { FastifyReply } from 'fastify';
import { createApp, type Logger } from '@mockmart/service-kit';
import type { Database, Queryable } from '@mockmart/service-kit/db';
import type { AccessTokenVerifier } from '@mockmart/auth';
import { authPlugin } from '@mockmart/auth/fastify';
import type { Config } from './config.ts';
import { paymentAccess } from './access.ts';
import { PaymentUnavailable } from './errors.ts';
import { openApi } from './openapi.ts';
import { chargeRoutes } from './charges/routes.ts';
import { refundRoutes } from './refunds/routes.ts';
import { faultRoutes } from './faults/routes.ts';
import { callerGone, createFaultSwitch, injectDelay } from './faults/fault-switch.ts';
import { DEFAULT_SLOW_MS, MAX_FAULT_DELAY_MS, type PaymentFaultMode } from './faults/schemas.ts';

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

  const production = config.NODE_ENV === 'production';
  // In production the switch is disabled: its routes do not exist and it never reads the database.
  const faults = createFaultSwitch<PaymentFaultMode>({ db, enabled: !production });
  const beforeCall = async (reply: FastifyReply) => {
    const fault = await faults.take(['down', 'slow']);
    if (fault?.mode === 'down') {
      throw new PaymentUnavailable('Simulated outage', { headers: { 'retry-after': '1' } });
    }
    if (fault) await injectDelay(fault.delayMs ?? DEFAULT_SLOW_MS, MAX_FAULT_DELAY_MS, callerGone(reply));
  };
  const simulateDecline = async (tx: Queryable) => (await faults.take(['decline'], tx)) !== null;

  await app.register(openApi, {
    title: 'MockMart payment',
    description:
      'Simulated payment provider with real bookkeeping: idempotent charges, decline rules, refunds.',
    version: '1.0.0',
  });
  await app.register(authPlugin, { verifier });

  const access = paymentAccess(config.KEYCLOAK_CLIENT_ID);
  await app.register(chargeRoutes, { db, access, beforeCall, simulateDecline });
  await app.register(refundRoutes, { db, access, beforeCall });
  if (!production) await app.register(faultRoutes, { faults, guard: access.faults });

  return app;
}
