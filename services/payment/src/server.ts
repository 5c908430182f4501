import { keycloakOptions } from '@mockmart/service-kit/config';
import { createLogger, readableLogs, runService } from '@mockmart/service-kit';
import { createAccessTokenVerifier, keycloakEndpoints } from '@mockmart/auth';
import { loadServiceConfig } from './config.ts';
import { buildApp } from './app.ts';

const config = loadServiceConfig();
// One logger for the bootstrap, the app and the verifier, so token rejection reasons reach the service log.
const logger = createLogger({
  name: 'payment',
  level: config.LOG_LEVEL,
  pretty: readableLogs(config.NODE_ENV),
});

await runService({
  config,
  migrationsDir: new URL('../migrations/', import.meta.url),
  logger,
  build: async ({ db }) => {
    const idp = keycloakEndpoints(keycloakOptions(config));
    const verifier = createAccessTokenVerifier({ idp, audience: config.KEYCLOAK_CLIENT_ID, logger });
    const app = await buildApp({ config, db, verifier, logger });
    // Fail fast when the configured issuer is not what the IdP stamps (problem 1 of the seed article).
    await verifier.checkIssuer();
    return { app };
  },
});
