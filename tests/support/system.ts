/**
 * The whole of MockMart as real processes on free loopback ports, for cross-service tests.
 * Each run gets its own data folder, generated secrets and one throwaway database per service on
 * the tests' PostgreSQL (the local server, or the embedded one `npm test` starts).
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayDatabase, testPostgresUrl } from '@mockmart/service-kit/testing';
import {
  DATABASE_SERVICES,
  generateSecrets,
  type Ports,
  type Secrets,
  type SystemPlan,
} from '../../scripts/lib/parts.ts';
import { startSystem, type RunningSystem } from '../../scripts/lib/processes.ts';
import { freePorts } from '../../scripts/lib/free-ports.ts';

export { freePorts };

export interface TestSystem {
  gatewayUrl: string;
  urls: Record<keyof Ports, string>;
  /** Each part's Prometheus scrape URL (`/metrics` on a port of its own). */
  metricsUrls: Record<keyof Ports, string>;
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

  let system: RunningSystem;
  try {
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
        extraEnv: options.extraEnv,
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
    metricsUrls: Object.fromEntries(
      Object.entries(metricsPorts).map(([part, port]) => [part, `http://127.0.0.1:${port}/metrics`]),
    ) as Record<keyof Ports, string>,
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
      await Promise.all(databases.map((db) => db.drop().catch(() => {})));
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
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
