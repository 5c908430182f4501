/**
 * The whole of MockMart as real processes on free loopback ports, for cross-service tests.
 * Each run gets its own data folder, generated secrets and — when the local PostgreSQL answers —
 * one throwaway database per service (PGlite otherwise).
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayDatabase } from '@mockmart/service-kit/testing';
import {
  REPLICATED_PARTS,
  generateSecrets,
  type Ports,
  type ReplicatedPart,
  type Secrets,
  type SystemPlan,
} from '../../scripts/lib/parts.ts';
import { startSystem, type RunningSystem } from '../../scripts/lib/processes.ts';
import { startBalancer, type Balancer } from './balancer.ts';

export interface TestSystem {
  gatewayUrl: string;
  urls: Record<keyof Ports, string>;
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
  /** Use PGlite even when PostgreSQL is reachable. */
  pglite?: boolean;
  /**
   * Scale-out: this many replicas of the gateway and/or shop-api (2 or more), each pair behind an
   * nginx balancer; the gateway's public URL and shop-api's URL are the balancers'.
   */
  replicas?: Partial<Record<ReplicatedPart, number>>;
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const [gateway, idp, shopApi, inventory, payment, notification] = await freePorts(6);
  const ports: Ports = {
    gateway: gateway!,
    idp: idp!,
    shopApi: shopApi!,
    inventory: inventory!,
    payment: payment!,
    notification: notification!,
  };
  const dataRoot = await mkdtemp(join(tmpdir(), 'mockmart-system-'));
  const secrets = generateSecrets();
  const databases = options.pglite
    ? []
    : await throwawayDatabases(['gateway', 'shop-api', 'inventory', 'payment', 'notification']);
  const lines: string[] = [];
  const balancers: Balancer[] = [];
  const replicas: SystemPlan['replicas'] = {};
  const pinned: TestSystem['pinned'] = {};

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
        secrets,
        dataRoot,
        databaseUrls: Object.fromEntries(databases.map((db) => [db.service, db.url])),
        nodeEnv: 'test',
        logLevel: 'info',
        // Several systems run at once in `npm test`, and they share one PostgreSQL (100 connections).
        poolSize: 3,
        extraEnv: options.extraEnv,
        replicas,
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
    throw new Error(`${(error as Error).message}\n--- logs ---\n${lines.slice(-80).join('\n')}`, {
      cause: error,
    });
  }

  const urls = {
    gateway: `http://localhost:${ports.gateway}`,
    idp: `http://127.0.0.1:${ports.idp}`,
    shopApi: `http://127.0.0.1:${ports.shopApi}`,
    inventory: `http://127.0.0.1:${ports.inventory}`,
    payment: `http://127.0.0.1:${ports.payment}`,
    notification: `http://127.0.0.1:${ports.notification}`,
  };
  const tokenEndpoint = `${urls.idp}/auth/realms/techstore/protocol/openid-connect/token`;
  const token = async (form: Record<string, string>) => {
    const response = await fetch(tokenEndpoint, { method: 'POST', body: new URLSearchParams(form) });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!response.ok || !body.access_token)
      throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };

  return {
    gatewayUrl: urls.gateway,
    urls,
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
    },
  };
}

async function throwawayDatabases(services: string[]) {
  const created = await Promise.all(
    services.map(async (service) => ({ service, db: await createThrowawayDatabase() })),
  );
  return created.flatMap(({ service, db }) => (db ? [{ service, url: db.url, drop: db.drop }] : []));
}

/** Ports the kernel hands out for port 0, released just before the parts bind them. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(server)),
      );
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
