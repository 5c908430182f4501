import { keycloakOptions } from '@mockmart/service-kit/config';
import { runService } from '@mockmart/service-kit';
import { createAccessTokenVerifier, keycloakEndpoints } from '@mockmart/auth';
import { loadServiceConfig } from './config.ts';
import { buildApp } from './app.ts';

const config = loadServiceConfig();

await runService({
  config,
  migrationsDir: new URL('../migrations/', import.meta.url),
  build: async ({ db }) => {
    const idp = keycloakEndpoints(keycloakOptions(config));
    const verifier = createAccessTokenVerifier({ idp, audience: config.KEYCLOAK_CLIENT_ID });
    const app = await buildApp({ config, db, verifier });
    // Fail fast when the configured issuer is not what the IdP stamps (problem 1 of the seed article).
    await verifier.checkIssuer();
    return { app };
  },
});
