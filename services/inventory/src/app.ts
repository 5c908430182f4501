import type { FastifyReply } from 'fastify';
import { createApp, type Logger } from '@mockmart/service-kit';
import type { Database } from '@mockmart/service-kit/db';
import { callerGone, createFaultSwitch, faultRoutes, injectDelay } from '@mockmart/service-kit/faults';
import { openApi } from '@mockmart/service-kit/openapi';
import type { AccessTokenVerifier } from '@mockmart/auth';
import { authPlugin } from '@mockmart/auth/fastify';
import type { Config } from './config.ts';
import { inventoryAccess } from './access.ts';
import { stockRoutes } from './stock/routes.ts';
import { reservationRoutes } from './reservations/routes.ts';
import { DEFAULT_SLOW_MS, INVENTORY_FAULT_MODES } from './faults/modes.ts';
import { assertCallerStillWaiting } from './lib/caller-deadline.ts';

export interface InventoryDeps {
  config: Config;
  db: Database;
  verifier: AccessTokenVerifier;
  logger?: Logger;
}

/** Builds the inventory app (no listening): health, OpenAPI, auth, stock, reservations, faults. */
export async function buildApp({ config, db, verifier, logger }: InventoryDeps) {
  const app = await createApp({
    name: 'inventory',
    config,
    ...(logger ? { logger } : {}),
    readiness: { database: () => db.ping() },
  });

  // In production the switch is disabled: its routes do not exist and it never reads the database.
  const faults = createFaultSwitch({
    db,
    enabled: config.NODE_ENV !== 'production',
    modes: INVENTORY_FAULT_MODES,
  });
  // Every call: the "slow" fault, then the caller's deadline — work it can no longer wait for is
  // not started (a slow or queued request arriving late does nothing).
  const beforeCall = async (reply: FastifyReply) => {
    const fault = await faults.take(['slow']);
    if (fault) await injectDelay(fault.delayMs ?? DEFAULT_SLOW_MS, undefined, callerGone(reply));
    assertCallerStillWaiting(reply);
  };
  const simulateOutOfStock = async () => (await faults.take(['out-of-stock'])) !== null;

  await app.register(openApi, {
    title: 'MockMart inventory',
    description: 'Single source of truth for stock: availability, reservations with expiry, commit, release.',
    version: '1.0.0',
  });
  await app.register(authPlugin, { verifier });

  const access = inventoryAccess(config.KEYCLOAK_CLIENT_ID);
  await app.register(stockRoutes, { db, access, beforeCall });
  await app.register(reservationRoutes, {
    db,
    access,
    beforeCall,
    simulateOutOfStock,
    defaultTtlSeconds: config.RESERVATION_TTL_SECONDS,
  });
  await app.register(faultRoutes, {
    faults,
    guard: access.faults,
    actor: (request) => request.principal?.clientId ?? 'unknown',
  });

  return app;
}
