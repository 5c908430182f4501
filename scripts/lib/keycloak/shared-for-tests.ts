/**
 * The one Keycloak of a test run: started by scripts/test.ts before the suites, on a throwaway
 * database of the local PostgreSQL, and handed to them through the environment (each suite
 * imports its own realm). Without a JDK or PostgreSQL the Keycloak side is skipped with the reason
 * — except in CI, where that is a failure.
 */
import { keycloakTestDatabase } from './test-database.ts';
import { LOCAL_POSTGRES } from './database.ts';
import { freePorts } from '../ports.ts';
import { ensureKeycloak, KeycloakUnavailable } from './install.ts';
import { startKeycloak } from './run.ts';
import { KEYCLOAK_VERSION } from './options.ts';

/** The environment the suites read (tests/support/identity-providers.ts). */
export const SHARED_KEYCLOAK_ENV = {
  url: 'MOCKMART_KEYCLOAK_URL',
  adminUsername: 'MOCKMART_KEYCLOAK_ADMIN_USERNAME',
  adminPassword: 'MOCKMART_KEYCLOAK_ADMIN_PASSWORD',
  skipped: 'MOCKMART_KEYCLOAK_SKIPPED',
} as const;

export interface SharedKeycloak {
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startSharedKeycloak(log: (line: string) => void): Promise<SharedKeycloak> {
  const started = Date.now();
  let install;
  try {
    install = await ensureKeycloak({ log });
  } catch (error) {
    if (error instanceof KeycloakUnavailable && process.env.CI !== 'true') return skipped(error.message);
    throw error;
  }
  const database = await keycloakTestDatabase(LOCAL_POSTGRES, install, log);
  if (!database) {
    const reason = `the local PostgreSQL (${LOCAL_POSTGRES}) is not reachable`;
    if (process.env.CI === 'true') throw new Error(`Keycloak cannot run in CI: ${reason}`);
    return skipped(reason);
  }
  const [httpPort, managementPort] = await freePorts(2);
  const { admin } = database;
  const lines: string[] = [];
  const prepared = Date.now();
  let node;
  try {
    node = await startKeycloak(
      { install, httpPort: httpPort!, managementPort: managementPort!, databaseUrl: database.url, admin },
      { onLine: (_part, line) => lines.push(line) },
    );
  } catch (error) {
    await database.drop().catch(() => {});
    throw error;
  }
  log(
    `Keycloak ${KEYCLOAK_VERSION} on Java ${install.java.major} (${install.java.home}) ready at ${node.spec.url} ` +
      `in ${((Date.now() - prepared) / 1000).toFixed(1)} s` +
      (install.built ? ` (fetched and built first: ${((prepared - started) / 1000).toFixed(1)} s)` : ''),
  );
  return {
    env: {
      [SHARED_KEYCLOAK_ENV.url]: node.spec.url,
      [SHARED_KEYCLOAK_ENV.adminUsername]: admin.username,
      [SHARED_KEYCLOAK_ENV.adminPassword]: admin.password,
    },
    async stop() {
      await node.stop();
      await database.drop().catch(() => {});
    },
  };
}

function skipped(reason: string): SharedKeycloak {
  return { env: { [SHARED_KEYCLOAK_ENV.skipped]: reason }, stop: async () => {} };
}
