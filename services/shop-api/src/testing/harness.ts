import { createAccessTokenVerifier, createTokenProvider, type TokenProvider } from '@mockmart/auth';
import {
  silentLogger,
  startTestIssuer,
  techstoreClients,
  type TestIssuer,
  type UserTokenOptions,
} from '@mockmart/auth/testing';
import { openDatabase } from '@mockmart/service-kit/db';
import { createTestDatabase, INJECTED_DATABASE_URL } from '@mockmart/service-kit/testing';
import { captureLogs } from '@mockmart/service-kit/testing';
import { buildApp, type ShopApp } from '../app.ts';
import { loadServiceConfig, type Config } from '../config.ts';
import {
  createDownstreamClients,
  type Downstream,
  type DownstreamScope,
} from '../downstream/create-clients.ts';
import { createShopApiVerifier } from '../lib/token-verifier.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../outbox/dispatcher.ts';
import { createRecoveryWorker, type RecoveryWorker } from '../checkout/recovery-worker.ts';
import { startFakeInventory, type FakeInventory } from './fake-inventory.ts';
import { startFakeNotification, type FakeNotification } from './fake-notification.ts';
import { startFakePayment, type FakePayment } from './fake-payment.ts';
import type { Database } from '../lib/db.ts';

export interface Harness {
  app: ShopApp;
  db: Database;
  config: Config;
  issuer: TestIssuer;
  tokens: TokenProvider;
  downstream: Downstream;
  inventory: FakeInventory;
  payment: FakePayment;
  notification: FakeNotification;
  dispatcher: OutboxDispatcher;
  recovery: RecoveryWorker;
  logs: ReturnType<typeof captureLogs>;
  /** A user token for shop-api; `can-checkout` unless realmRoles says otherwise. */
  userToken(username: string, options?: UserTokenOptions): Promise<string>;
  adminToken(): Promise<string>;
  /**
   * A second shop-api on the same database (its own pool and listener) and the same fakes, as a
   * second replica behind a load balancer would be; closed with the harness.
   */
  replica(env?: Record<string, string>): Promise<ShopApp>;
  close(): Promise<void>;
}

const migrationsDir = new URL('../../migrations/', import.meta.url);

const scope = (audience: string, roles: string[]) => ({ audience, clientRoles: { [audience]: roles } });
export const SHOP_API_SCOPES: Record<DownstreamScope, ReturnType<typeof scope>> = {
  'inventory-api': scope('inventory-service', ['stock:read', 'stock:reserve']),
  'payment-api': scope('payment-service', ['payments:charge', 'payments:refund', 'payments:read']),
  'notification-api': scope('notification-service', ['notifications:send']),
  'inventory-admin': scope('inventory-service', ['stock:admin']),
  'notification-admin': scope('notification-service', ['notifications:read']),
  'inventory-faults': scope('inventory-service', ['faults:manage']),
  'payment-faults': scope('payment-service', ['faults:manage']),
  'notification-faults': scope('notification-service', ['faults:manage']),
};

/**
 * shop-api in-process (inject) on a throwaway PostgreSQL database, a local token issuer, and small
 * Fastify fakes of inventory, payment and notification on 127.0.0.1:0 — real HTTP and real signed
 * tokens, each fake enforcing its audience and client roles like the real services.
 */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const clients = techstoreClients();
  // The realm's optional scopes (deploy/keycloak "Service-token scopes"), one audience and only the
  // listed roles each, so the fakes' role checks prove which token each call carries.
  clients['shop-api']!.scopes = SHOP_API_SCOPES;
  const issuer = await startTestIssuer({ clients });
  const verifierFor = (audience: string) =>
    createAccessTokenVerifier({ idp: issuer.idp, audience, logger: silentLogger });
  const [inventory, payment, notification, database] = await Promise.all([
    startFakeInventory(verifierFor('inventory-service')),
    startFakePayment(verifierFor('payment-service')),
    startFakeNotification(verifierFor('notification-service')),
    createTestDatabase({ migrationsDir }),
  ]);
  const configEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: INJECTED_DATABASE_URL,
    LOG_LEVEL: 'warn',
    KEYCLOAK_PUBLIC_URL: issuer.url,
    KEYCLOAK_CLIENT_SECRET: issuer.clientSecret('shop-api'),
    INVENTORY_URL: inventory.url,
    PAYMENT_URL: payment.url,
    NOTIFICATION_URL: notification.url,
    DOWNSTREAM_TIMEOUT_MS: '1000',
    CATALOG_STOCK_TIMEOUT_MS: '400',
    // Tests change stock in the fake inventory directly and expect to see it: no staleness here.
    CATALOG_STOCK_MAX_AGE_MS: '0',
    CHECKOUT_DEADLINE_MS: '4000',
    // Above CHECKOUT_DEADLINE_MS + DOWNSTREAM_TIMEOUT_MS, as the config requires; tests age orders.
    RECOVERY_STUCK_AFTER_MS: '6000',
    ...env,
  };
  const config = loadServiceConfig(configEnv);
  const tokens = createTokenProvider({
    tokenEndpoint: issuer.idp.tokenEndpoint,
    clientId: 'shop-api',
    clientSecret: config.KEYCLOAK_CLIENT_SECRET,
    logger: silentLogger,
  });
  const downstream = createDownstreamClients({
    inventoryUrl: config.INVENTORY_URL,
    paymentUrl: config.PAYMENT_URL,
    notificationUrl: config.NOTIFICATION_URL,
    timeoutMs: config.DOWNSTREAM_TIMEOUT_MS,
    bearerFor: (scope) => tokens.bearerFor({ scope }),
  });
  const logs = captureLogs('shop-api', 'warn');
  const replicas: ShopApp[] = [];
  const db = database.db;
  const app = await buildApp({
    config,
    db,
    verifier: createShopApiVerifier(config, issuer.idp, silentLogger),
    ...downstream,
    logger: logs.logger,
  });
  await app.ready();
  const dispatcher = createOutboxDispatcher({
    db,
    notification: downstream.notification,
    log: logs.logger,
    pollMs: 50,
    maxAttempts: 5,
    baseMs: 1,
    capMs: 5,
  });
  const recovery = createRecoveryWorker({
    db,
    ...downstream,
    log: logs.logger,
    intervalMs: 50,
    stuckAfterMs: config.RECOVERY_STUCK_AFTER_MS,
  });

  return {
    app,
    db,
    config,
    issuer,
    tokens,
    downstream,
    inventory,
    payment,
    notification,
    dispatcher,
    recovery,
    logs,
    userToken: (username, options = {}) =>
      issuer.userToken({ username, realmRoles: ['user', 'can-checkout'], audience: 'shop-api', ...options }),
    adminToken: () =>
      issuer.userToken({
        username: 'admin',
        realmRoles: ['user', 'admin', 'can-checkout'],
        audience: 'shop-api',
      }),
    async replica(extra = {}) {
      const replicaDb = await openDatabase({ url: database.url });
      const replicaConfig = loadServiceConfig({ ...configEnv, ...extra });
      const replica = await buildApp({
        config: replicaConfig,
        db: replicaDb,
        // As the first app's: admin writes ask the idp whether the token is still active.
        verifier: createShopApiVerifier(replicaConfig, issuer.idp, silentLogger),
        ...downstream,
        logger: logs.logger,
      });
      replica.addHook('onClose', () => replicaDb.close());
      replicas.push(replica);
      await replica.ready();
      return replica;
    },
    async close() {
      await Promise.all([dispatcher.stop(), recovery.stop()]);
      await Promise.all(replicas.map((replica) => replica.close()));
      await app.close();
      await Promise.all([inventory.close(), payment.close(), notification.close(), issuer.close()]);
      await database.drop();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const ADDRESS = {
  firstName: 'Mario',
  lastName: 'Rossi',
  address: 'Via Roma 1',
  city: 'Milano',
  zipCode: '20100',
  phone: '+39 333 1234567',
};

/** Polls `check` until it returns a truthy value or the deadline passes (no fixed sleeps). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
