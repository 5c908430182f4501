import { startServiceHarness, INJECTED_DATABASE_URL } from '@mockmart/service-kit/testing';
import { createAccessTokenVerifier } from '@mockmart/auth';
import { startTestIssuer } from '@mockmart/auth/testing';
import { loadServiceConfig } from '../config.ts';
import { buildApp } from '../app.ts';

export const CLIENT_ID = 'inventory-service';
export const ALL_ROLES = ['stock:read', 'stock:reserve', 'stock:admin', 'faults:manage'];

/** The inventory app on a throwaway database with a local issuer; `shop`: shop-api holding every role. */
export async function startHarness(env: Record<string, string> = {}) {
  const config = loadServiceConfig({
    NODE_ENV: 'test',
    DATABASE_URL: INJECTED_DATABASE_URL,
    LOG_LEVEL: 'silent',
    KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
    ...env,
  });
  const harness = await startServiceHarness({
    clientId: CLIENT_ID,
    roles: ALL_ROLES,
    migrationsDir: new URL('../../migrations/', import.meta.url),
    startIssuer: () => startTestIssuer(),
    build: ({ db, issuer }) =>
      buildApp({ config, db, verifier: createAccessTokenVerifier({ idp: issuer.idp, audience: CLIENT_ID }) }),
  });
  return { ...harness, shop: harness.headers };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
