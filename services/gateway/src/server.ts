import type { FastifyInstance } from 'fastify';
import { createLogger, startServer } from '@mockmart/service-kit';
import { openDatabase } from '@mockmart/service-kit/db';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const config = loadGatewayConfig();
const logger = createLogger({
  name: 'gateway',
  level: config.LOG_LEVEL,
  pretty: config.NODE_ENV !== 'production' && process.stdout.isTTY,
});
const db = await openDatabase({
  url: config.DATABASE_URL,
  poolSize: config.DATABASE_POOL_SIZE,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  dataDir: config.DATA_DIR,
  migrationsDir: new URL('../migrations/', import.meta.url),
  logger,
});
const app = await buildApp(config, { db, logger });
await startServer(app as unknown as FastifyInstance, {
  host: config.HOST,
  port: config.PORT,
  onShutdown: [() => db.close()],
});

// Not fatal: the idp may still be starting. A wrong issuer (problem 1) is logged loudly here and
// every login answers 503 until it is fixed.
app.gateway.oidc.discover().then(
  () => logger.info({ issuer: app.gateway.oidc.issuer }, 'identity provider discovered'),
  (error: unknown) =>
    logger.warn(
      {
        issuer: app.gateway.oidc.issuer,
        reason:
          (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error),
      },
      'identity provider not reachable yet',
    ),
);
