import { keycloakOptions } from '@mockmart/service-kit/config';
import { createTokenProvider, keycloakEndpoints } from '@mockmart/auth';
import { createLogger, readableLogs, runService } from '@mockmart/service-kit';
import { buildApp } from './app.ts';
import { loadServiceConfig } from './config.ts';
import { createDownstreamClients } from './downstream/create-clients.ts';
import { createShopApiVerifier } from './lib/token-verifier.ts';
import { createOutboxDispatcher } from './outbox/dispatcher.ts';
import { observeOutbox } from './outbox/outbox-metrics.ts';
import { createRecoveryWorker } from './checkout/recovery-worker.ts';

const config = loadServiceConfig();
const logger = createLogger({
  name: 'shop-api',
  level: config.LOG_LEVEL,
  pretty: readableLogs(config.NODE_ENV),
});

await runService({
  config,
  migrationsDir: new URL('../migrations/', import.meta.url),
  logger,
  build: async ({ db }) => {
    // Issuer split (problem 1): tokens carry the public issuer; keys and tokens come from the internal URL.
    const idp = keycloakEndpoints(keycloakOptions(config));
    const verifier = createShopApiVerifier(config, idp, logger);
    // Fails start-up, naming both URLs, when the IdP stamps a different issuer than we expect.
    await verifier.checkIssuer({ waitMs: 30_000 });

    const tokens = createTokenProvider({
      tokenEndpoint: idp.tokenEndpoint,
      clientId: config.KEYCLOAK_CLIENT_ID,
      clientSecret: config.KEYCLOAK_CLIENT_SECRET,
      logger,
    });
    const downstream = createDownstreamClients({
      inventoryUrl: config.INVENTORY_URL,
      paymentUrl: config.PAYMENT_URL,
      notificationUrl: config.NOTIFICATION_URL,
      timeoutMs: config.DOWNSTREAM_TIMEOUT_MS,
      bearerFor: (scope) => tokens.bearerFor({ scope }),
    });

    const dispatcher = createOutboxDispatcher({
      db,
      notification: downstream.notification,
      log: logger,
      pollMs: config.OUTBOX_POLL_MS,
      maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    });
    observeOutbox(db);
    const recovery = createRecoveryWorker({
      db,
      ...downstream,
      log: logger,
      intervalMs: config.RECOVERY_INTERVAL_MS,
      stuckAfterMs: config.RECOVERY_STUCK_AFTER_MS,
    });

    const app = await buildApp({
      config,
      db,
      verifier,
      ...downstream,
      logger,
      onOutboxWrite: () => dispatcher.nudge(),
    });
    return {
      app,
      // Workers stop before the pool closes, so no pass is cut off mid-transaction.
      onShutdown: [() => dispatcher.stop(), () => recovery.stop()],
      onListening: () => {
        dispatcher.start();
        recovery.start();
      },
    };
  },
});
