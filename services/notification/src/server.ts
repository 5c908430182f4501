import { startServer } from '@mockmart/service-kit';
import { openDatabase } from '@mockmart/service-kit/db';
import { createAccessTokenVerifier, keycloakEndpoints } from '@mockmart/auth';
import { loadServiceConfig } from './config.ts';
import { buildApp } from './app.ts';

const config = loadServiceConfig();

const db = await openDatabase({
  url: config.DATABASE_URL,
  poolSize: config.DATABASE_POOL_SIZE,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  dataDir: config.DATA_DIR,
  migrationsDir: new URL('../migrations/', import.meta.url),
});

const idp = keycloakEndpoints({
  publicUrl: config.KEYCLOAK_PUBLIC_URL,
  internalUrl: config.KEYCLOAK_INTERNAL_URL,
  realm: config.KEYCLOAK_REALM,
  relativePath: config.KEYCLOAK_RELATIVE_PATH,
});
const verifier = createAccessTokenVerifier({ idp, audience: config.KEYCLOAK_CLIENT_ID });

const app = await buildApp({ config, db, verifier });
// Fail fast when the configured issuer is not what the IdP stamps (problem 1 of the seed article).
await verifier.checkIssuer();

// createApp's TypeBox-typed instance is the same Fastify instance startServer runs.
await startServer(app as unknown as Parameters<typeof startServer>[0], {
  host: config.HOST,
  port: config.PORT,
  onShutdown: [() => db.close()],
});
