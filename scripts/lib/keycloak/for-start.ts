/**
 * `npm start -- --keycloak`: Keycloak as the system's identity part, on the services' PostgreSQL
 * server (DATABASE_URL's, else the embedded one) in its own `keycloak` database, the gateway's public URL as its
 * hostname, and the realm imported (or re-imported when it no longer matches the local secrets
 * or the public URL) once it is ready.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeycloakPlan, Secrets } from '@mockmart/devstack';
import { freePorts } from '../free-ports.ts';
import { keycloakAdmin } from './admin.ts';
import { ensureKeycloakDatabase } from './database.ts';
import { ensureKeycloak } from './install.ts';
import { deleteRealm, importRealm, realmIsCurrent, type RealmImportOptions } from './realm-import.ts';
import { keycloakPart, portFree } from './run.ts';

export interface StartKeycloakPlan {
  httpPort: number;
  gatewayPublicUrl: string;
  secrets: Secrets;
  dataRoot: string;
  /** The PostgreSQL server the services use (DATABASE_URL's, or the embedded one). */
  databaseServer: string;
  production: boolean;
  log: (line: string) => void;
}

/** Where `npm run health` finds a Keycloak that `npm start -- --keycloak` runs. */
export const keycloakStateFile = (dataRoot: string) => join(dataRoot, 'keycloak', 'ports.json');

export async function planKeycloakForStart(
  plan: StartKeycloakPlan,
): Promise<KeycloakPlan & { cleanUp(): void }> {
  const install = await ensureKeycloak({ log: plan.log });
  plan.log(`Keycloak runs on Java ${install.java.major} (${install.java.home}).`);
  const databaseUrl = await ensureKeycloakDatabase(plan.databaseServer);
  const host = '127.0.0.1';
  if (!(await portFree(host, plan.httpPort)))
    throw new Error(`Keycloak cannot start: its HTTP port ${host}:${plan.httpPort} is already in use`);
  const [managementPort] = await freePorts(1);
  const url = `http://${host}:${plan.httpPort}`;
  const admin = { username: 'admin', password: plan.secrets.KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD };
  const realm: RealmImportOptions = {
    secrets: plan.secrets,
    gatewayPublicUrl: plan.gatewayPublicUrl,
    devUsers: !plan.production,
  };
  const part = keycloakPart({
    install,
    host,
    httpPort: plan.httpPort,
    managementPort: managementPort!,
    publicUrl: `${plan.gatewayPublicUrl}/auth`,
    // The gateway does not publish the admin console; operators use Keycloak's own address.
    adminUrl: `${url}/auth`,
    databaseUrl,
    admin,
  });
  part.afterReady = async () => {
    const api = keycloakAdmin(url, admin);
    if (await realmIsCurrent(api, realm)) return;
    await deleteRealm(api, 'techstore').catch(() => {});
    plan.log('Importing the techstore realm into Keycloak…');
    await importRealm(api, realm);
  };
  const state = keycloakStateFile(plan.dataRoot);
  mkdirSync(join(plan.dataRoot, 'keycloak'), { recursive: true });
  writeFileSync(state, JSON.stringify({ httpPort: plan.httpPort, managementPort }));
  return { url, realm: 'techstore', part, cleanUp: () => rmSync(state, { force: true }) };
}
