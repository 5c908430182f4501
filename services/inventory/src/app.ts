import type { FastifyReply } from 'fastify';
import { createApp, type Logger } from '@mockmart/service-kit';
import type { Database } from '@mockmart/service-kit/db';
import type { AccessTokenVerifier } from '@mockmart/auth';
import { authPlugin } from '@mockmart/auth/fastify';
import type { Config } from './config.ts';
import { inventoryAccess } from './access.ts';
import { openApi } from './openapi.ts';
import { stockRoutes } from './stock/routes.ts';
import { reservationRoutes } from './reservations/routes.ts';
import { faultRoutes } from './faults/routes.ts';
import { callerGone, createFaultSwitch, injectDelay } from './faults/fault-switch.ts';
import { DEFAULT_SLOW_MS, MAX_FAULT_DELAY_MS, type InventoryFaultMode } from './faults/schemas.ts';

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

  const production = config.NODE_ENV === 'production';
  // In production the switch is disabled: its routes do not exist and it never reads the database.
  const faults = createFaultSwitch<InventoryFaultMode>({ db, enabled: !production });
  const beforeCall = async (reply: FastifyReply) => {
    const fault = await faults.take(['slow']);
    if (fault) await injectDelay(fault.delayMs ?? DEFAULT_SLOW_MS, MAX_FAULT_DELAY_MS, callerGone(reply));
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
  if (!production) await app.register(faultRoutes, { faults, guard: access.faults });

  return app;
}
