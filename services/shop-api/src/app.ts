import { authPlugin } from '@mockmart/auth/fastify';
import { createApp, type Logger } from '@mockmart/service-kit';
import { adminRoutes } from './admin/routes.ts';
import { cartRoutes } from './cart/routes.ts';
import { CATALOG_CHANNEL, createProductCache } from './catalog/product-cache.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { createStockCache, invalidatingStockCache } from './catalog/stock-cache.ts';
import { checkoutRoutes } from './checkout/routes.ts';
import { registerOpenApi } from './docs/openapi.ts';
import { createOrderHistoryCache } from './orders/order-history-cache.ts';
import { ordersRoutes } from './orders/routes.ts';
import { profileRoutes } from './profile/routes.ts';
import type { AccessTokenVerifier } from '@mockmart/auth';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { InventoryClient } from './downstream/inventory-client.ts';
import type { NotificationClient } from './downstream/notification-client.ts';
import type { PaymentClient } from './downstream/payment-client.ts';
import type { Database } from './lib/db.ts';

export interface AppDependencies {
  config: Config;
  db: Database;
  verifier: AccessTokenVerifier;
  inventory: InventoryClient;
  payment: PaymentClient;
  notification: NotificationClient;
  logger?: Logger;
  /** Called after a checkout wrote outbox events, so the dispatcher sends them right away. */
  onOutboxWrite?: () => void;
}

/** Builds shop-api (no listening): the kit's floor, OpenAPI, the auth plugin, then every capability. */
export async function buildApp(deps: AppDependencies) {
  const { config, db } = deps;
  const app = await createApp({
    name: 'shop-api',
    config,
    readiness: { database: () => db.ping() },
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  const log = app.log;

  await registerOpenApi(app as unknown as FastifyInstance);
  await app.register(authPlugin, { verifier: deps.verifier });

  const onStockError = (error: unknown) =>
    log.warn({ err: error }, 'inventory unavailable: showing availability unknown');
  const stock = createStockCache({
    inventory: deps.inventory,
    maxAgeMs: config.CATALOG_STOCK_MAX_AGE_MS,
    timeoutMs: config.CATALOG_STOCK_TIMEOUT_MS,
    onError: onStockError,
  });
  // Checkout, recovery through this app, and admin stock edits all go through this client.
  const inventory = invalidatingStockCache(deps.inventory, stock);
  const products = createProductCache(db);
  const orderHistory = createOrderHistoryCache(db, config.ORDER_HISTORY_CACHE_MB * 1024 * 1024);
  const listener = await db.listen({ [CATALOG_CHANNEL]: products.changes });
  app.addHook('onClose', () => listener.close());
  const catalog = {
    db,
    inventory,
    products,
    stock,
  };
  const compensation = { inventory, payment: deps.payment, log };

  await app.register(catalogRoutes, {
    deps: { ...catalog, stockMaxAgeMs: config.CATALOG_STOCK_MAX_AGE_MS },
  });
  await app.register(cartRoutes, { deps: { ...catalog, verifier: deps.verifier } });
  await app.register(checkoutRoutes, {
    deps: {
      ...compensation,
      db,
      reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
      checkoutDeadlineMs: config.CHECKOUT_DEADLINE_MS,
      downstreamTimeoutMs: config.DOWNSTREAM_TIMEOUT_MS,
      onOutboxWrite: deps.onOutboxWrite,
    },
  });
  await app.register(ordersRoutes, { deps: { db, orderHistory } });
  await app.register(profileRoutes, { deps: {} });
  await app.register(adminRoutes, {
    deps: {
      ...compensation,
      db,
      notification: deps.notification,
      stuckAfterMs: config.RECOVERY_STUCK_AFTER_MS,
      faultsEnabled: config.NODE_ENV !== 'production',
    },
  });
  return app;
}

export type ShopApp = Awaited<ReturnType<typeof buildApp>>;
