/**
 * The whole of MockMart as real processes on free loopback ports, for cross-service tests.
 * Each run gets its own data folder, generated secrets and one throwaway database per service on
 * the tests' PostgreSQL (the local server, or the embedded one `npm test` starts). Its identity
 * provider is the embedded idp or, with `identity: 'keycloak'`, the run's shared Keycloak with a
 * realm of its own (imported under a unique name, deleted at stop): no idp process, the services
 * and the gateway's /auth/* proxy point at Keycloak.
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayDatabase, testPostgresUrl } from '@mockmart/service-kit/testing';
import {
  DATABASE_SERVICES,
  REPLICATED_PARTS,
  generateSecrets,
  type Ports,
  type ReplicatedPart,
  type Secrets,
  type SystemPlan,
} from '@mockmart/devstack';
import { startSystem, type RunningSystem } from '../../scripts/lib/processes.ts';
import { startBalancer, type Balancer } from './balancer.ts';
import { freePorts } from '../../scripts/lib/free-ports.ts';
import { keycloakAdmin, type KeycloakAdmin } from '../../scripts/lib/keycloak/admin.ts';
import type { KeycloakAdminCredentials } from '../../scripts/lib/keycloak/run.ts';
import { deleteRealm, importRealm } from '../../scripts/lib/keycloak/realm-import.ts';
import { sharedKeycloak, type IdentitySide } from './identity-providers.ts';

export { freePorts };

export interface TestSystem {
  identity: IdentitySide;
  /** The realm the services use: `techstore` on the idp, a unique name on the shared Keycloak. */
  realm: string;
  /** The Keycloak Admin REST API (identity `keycloak` only). */
  keycloakAdmin?: KeycloakAdmin;
  gatewayUrl: string;
  urls: Record<keyof Ports, string>;
  /** Each part's Prometheus scrape URL (`/metrics` on a port of its own). */
  metricsUrls: Record<keyof Ports, string>;
  /**
   * With replicas: per replicated part, a URL per replica that reaches only that replica through
   * its balancer (same headers as the balanced URL). Empty without replicas.
   */
  pinned: Partial<Record<ReplicatedPart, string[]>>;
  secrets: Secrets;
  system: RunningSystem;
  /** Everything the processes printed, for a failing test's message. */
  logs(part?: string): string;
  /** A user's access token through the development CLI client (password grant). */
  userToken(username: string, password: string): Promise<string>;
  /** A service token by client credentials, as a service would get it. */
  serviceToken(clientId: string, secret: string, scope?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  only?: string[];
  extraEnv?: SystemPlan['extraEnv'];
  /**
   * Scale-out: this many replicas of the gateway and/or shop-api (2 or more), each pair behind an
   * nginx balancer; the gateway's public URL and shop-api's URL are the balancers'.
   */
  replicas?: Partial<Record<ReplicatedPart, number>>;
  /** The embedded idp (default) or the run's shared Keycloak. */
  identity?: IdentitySide;
  /** With identity `keycloak`: this Keycloak (a cluster's balancer) instead of the run's shared one. */
  keycloak?: { url: string; admin: KeycloakAdminCredentials };
  /**
   * Partial realm files (extra clients, users) loaded after the shipped ones on either side: the
   * idp reads them through IDP_REALM_FILES, Keycloak gets them merged into the realm it imports.
   */
  extraRealmFiles?: string[];
  /** Values for those files' `${…}` placeholders. */
  realmEnv?: Record<string, string>;
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const portsOf = ([gateway, idp, shopApi, inventory, payment, notification]: number[]): Ports => ({
    gateway: gateway!,
    idp: idp!,
    shopApi: shopApi!,
    inventory: inventory!,
    payment: payment!,
    notification: notification!,
  });
  const free = await freePorts(12);
  const ports = portsOf(free.slice(0, 6));
  const metricsPorts = portsOf(free.slice(6));
  const dataRoot = await mkdtemp(join(tmpdir(), 'mockmart-system-'));
  const secrets = generateSecrets();
  const databases = await throwawayDatabases();
  const lines: string[] = [];
  const balancers: Balancer[] = [];
  const replicas: SystemPlan['replicas'] = {};
  const pinned: TestSystem['pinned'] = {};
  const identity = options.identity ?? 'idp';
  const gatewayUrl = `http://localhost:${ports.gateway}`;
  const keycloak = identity === 'keycloak' ? await keycloakRealm(gatewayUrl, secrets, options) : undefined;
  const realm = keycloak?.realm ?? 'techstore';

  let system: RunningSystem;
  try {
    for (const part of REPLICATED_PARTS) {
      const count = options.replicas?.[part] ?? 1;
      if (count < 2) continue;
      const [replicaPorts, pinnedPorts] = [await freePorts(count), await freePorts(count)];
      replicas[part] = replicaPorts;
      pinned[part] = pinnedPorts.map((port) => `http://127.0.0.1:${port}`);
      const port = part === 'gateway' ? ports.gateway : ports.shopApi;
      balancers.push(
        await startBalancer({
          dir: join(dataRoot, `balancer-${part}`),
          port,
          upstreams: replicaPorts,
          pinnedPorts,
          ...(part === 'gateway' ? { publicHost: `localhost:${port}` } : {}),
        }),
      );
    }
    system = await startSystem(
      {
        ports,
        metricsPorts,
        secrets,
        dataRoot,
        databaseUrls: Object.fromEntries(
          databases.map((db) => [db.service, db.url]),
        ) as SystemPlan['databaseUrls'],
        nodeEnv: 'test',
        logLevel: 'info',
        // Several systems run at once in `npm test`, and they share one PostgreSQL (100 connections).
        poolSize: 3,
        extraEnv: withIdpRealmFiles(options),
        replicas,
        ...(keycloak ? { keycloak: { url: keycloak.admin.url, realm } } : {}),
      },
      {
        only: options.only,
        onLine: (part, line) => {
          lines.push(`${part} | ${line}`);
          // MOCKMART_TEST_LOGS=<folder> keeps every part's log in files, for diagnosing a run.
          if (process.env.MOCKMART_TEST_LOGS)
            appendFileSync(join(process.env.MOCKMART_TEST_LOGS, `${part}.log`), `${line}\n`);
        },
      },
    );
  } catch (error) {
    await Promise.all(balancers.map((balancer) => balancer.stop()));
    await Promise.all(databases.map((db) => db.drop().catch(() => {})));
    await rm(dataRoot, { recursive: true, force: true });
    await keycloak?.remove();
    throw new Error(`${(error as Error).message}\n--- logs ---\n${lines.slice(-80).join('\n')}`, {
      cause: error,
    });
  }

  const urls = {
    gateway: gatewayUrl,
    idp: keycloak?.admin.url ?? `http://127.0.0.1:${ports.idp}`,
    shopApi: `http://127.0.0.1:${ports.shopApi}`,
    inventory: `http://127.0.0.1:${ports.inventory}`,
    payment: `http://127.0.0.1:${ports.payment}`,
    notification: `http://127.0.0.1:${ports.notification}`,
  };
  const tokenEndpoint = `${urls.idp}/auth/realms/${realm}/protocol/openid-connect/token`;
  const token = async (form: Record<string, string>) => {
    const response = await fetch(tokenEndpoint, { method: 'POST', body: new URLSearchParams(form) });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!response.ok || !body.access_token)
      throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };

  return {
    identity,
    realm,
    keycloakAdmin: keycloak?.admin,
    gatewayUrl: urls.gateway,
    urls,
    metricsUrls: Object.fromEntries(
      Object.entries(metricsPorts).map(([part, port]) => [part, `http://127.0.0.1:${port}/metrics`]),
    ) as Record<keyof Ports, string>,
    pinned,
    secrets,
    system,
    logs: (part) => lines.filter((line) => !part || line.startsWith(`${part} |`)).join('\n'),
    userToken: (username, password) =>
      token({ grant_type: 'password', client_id: 'techstore-cli', username, password, scope: 'openid' }),
    serviceToken: (clientId, secret, scope) =>
      token({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        ...(scope ? { scope } : {}),
      }),
    async stop() {
      await system.stop();
      await Promise.all(balancers.map((balancer) => balancer.stop()));
      await Promise.all(databases.map((db) => db.drop().catch(() => {})));
      await rm(dataRoot, { recursive: true, force: true });
      await keycloak?.remove();
    },
  };
}

/** A realm of this system's own on the shared Keycloak, its public URL the system's gateway. */
async function keycloakRealm(gatewayUrl: string, secrets: Secrets, options: TestSystemOptions) {
  const shared = options.keycloak ?? sharedKeycloak();
  if (!shared) throw new Error('identity keycloak needs the shared Keycloak that scripts/test.ts starts');
  const admin = keycloakAdmin(shared.url, shared.admin);
  const realm = `techstore-${randomBytes(4).toString('hex')}`;
  await importRealm(admin, {
    realm,
    secrets,
    gatewayPublicUrl: gatewayUrl,
    devUsers: true,
    frontendUrl: `${gatewayUrl}/auth`,
    extraFiles: options.extraRealmFiles,
    extraEnv: options.realmEnv,
  });
  return { admin, realm, remove: () => deleteRealm(admin, realm).catch(() => {}) };
}

async function throwawayDatabases() {
  const created = await Promise.all(
    DATABASE_SERVICES.map(async (service) => ({ service, db: await createThrowawayDatabase() })),
  );
  const ready = created.flatMap(({ service, db }) => (db ? [{ service, url: db.url, drop: db.drop }] : []));
  if (ready.length < created.length) {
    await Promise.all(ready.map((db) => db.drop().catch(() => {})));
    throw new Error(
      `no PostgreSQL for the test system at ${testPostgresUrl()}: run the tests through npm test`,
    );
  }
  return ready;
}

/** The idp's environment with the extra realm files (and their placeholders' values) added. */
function withIdpRealmFiles(options: TestSystemOptions): SystemPlan['extraEnv'] {
  if (!options.extraRealmFiles?.length) return options.extraEnv;
  const files = [
    'deploy/keycloak/techstore-realm.json',
    'deploy/keycloak/dev-users.json',
    ...options.extraRealmFiles,
  ];
  return {
    ...options.extraEnv,
    idp: { ...options.realmEnv, IDP_REALM_FILES: files.join(','), ...options.extraEnv?.idp },
  };
}
