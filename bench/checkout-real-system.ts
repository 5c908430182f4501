/**
 * The "real services" mode of the checkout benchmark: the idp, inventory, payment, notification
 * and shop-api as separate processes (tests/support/system.ts), each on its own throwaway
 * PostgreSQL database. Shoppers are N realm users with cheap pbkdf2 credentials (test data, so N
 * password grants stay fast); stock is raised through inventory's own admin API.
 *
 * shop-api is restarted once with KEYCLOAK_INTERNAL_URL pointing at a counting proxy in front of
 * the idp, so the token requests it makes are counted on the wire.
 *
 * `root` runs the services of another checkout (its tests/support/system.ts starts its own code,
 * through its own node_modules): the same load against the code before a change, in the same run.
 * Every service keeps its own DATABASE_POOL_SIZE default unless `poolSize` names one for shop-api.
 *
 * CPU is read from /proc/<pid>/stat at the start and the end of the load: each Node process, the
 * PostgreSQL backends connected to each service's database (those open at the end; a pool keeps its
 * connections for 30 s idle, longer than a run), and this process (the load generator).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { testPostgresUrl } from '@mockmart/service-kit/testing';
import type { startTestSystem as StartTestSystem } from '../tests/support/system.ts';
import { cpuMsOf } from '../scripts/lib/cpu.ts';
import {
  makeShoppers,
  realmFilesWith,
  tokensFor,
  writeShoppersRealm,
} from '../tests/system/support/shoppers.ts';
import {
  allCheckouts,
  committedTransactions,
  runCheckoutLoad,
  settledTransactions,
  type AdminQuery,
  type LoadResult,
} from './checkout-load.ts';
import { startTokenProxy } from './checkout-token-proxy.ts';

export interface ModeResult extends LoadResult {
  label: string;
  database: string;
  poolSize: string;
  tokenRequests: number;
  tokenDetail: string;
  /** Committed transactions per checkout (all kinds), when measured. */
  transactionsPerCheckout?: number;
  writeCommitsPerCheckout?: number;
  statementsPerCheckout?: number;
  delivered: number;
  /** CPU ms per checkout, by process (Node parts, `postgres <service>` backends, `load generator`). */
  cpuPerCheckout?: Map<string, number>;
}

const PRODUCTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const PARTS = ['idp', 'inventory', 'payment', 'notification', 'shop-api'];
const DATABASE_PARTS = ['shop-api', 'inventory', 'payment', 'notification'];
// The test system gives every service 3 connections (several systems share one PostgreSQL in
// `npm test`); an empty value is unset for the services' config: their own default applies.
const quiet = { LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '' };

export async function runRealSystem(options: {
  users: number;
  seconds: number;
  /** shop-api's DATABASE_POOL_SIZE; unset: its default. */
  poolSize?: string | undefined;
  /** The checkout whose services run (default: this one). */
  root?: string | undefined;
  label?: string;
  /** Writes each service's V8 CPU profile (--cpu-prof) into this folder, for a flame graph. */
  cpuProfDir?: string | undefined;
}): Promise<ModeResult> {
  const root = resolve(options.root ?? join(import.meta.dirname, '..'));
  const { startTestSystem } = (await import(pathToFileURL(join(root, 'tests/support/system.ts')).href)) as {
    startTestSystem: typeof StartTestSystem;
  };
  const dir = await mkdtemp(join(tmpdir(), 'mockmart-bench-'));
  const shoppers = makeShoppers(options.users, 'bench');
  const realm = await writeShoppersRealm(dir, shoppers);
  const service = {
    ...quiet,
    ...(options.cpuProfDir
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(options.cpuProfDir)}` }
      : {}),
  };
  const system = await startTestSystem({
    only: PARTS,
    extraEnv: {
      idp: { ...quiet, IDP_REALM_FILES: realmFilesWith(realm) },
      inventory: service,
      payment: service,
      notification: service,
      'shop-api': { ...service, DATABASE_POOL_SIZE: options.poolSize ?? '' },
    },
  });
  const proxy = await startTokenProxy(system.urls.idp);
  try {
    const shopApi = system.system.part('shop-api');
    Object.assign(shopApi.spec.env, { KEYCLOAK_INTERNAL_URL: proxy.url });
    await shopApi.restart();

    const stockToken = await system.serviceToken(
      'shop-api',
      system.secrets.SHOP_API_CLIENT_SECRET,
      'inventory-admin',
    );
    for (const productId of PRODUCTS) {
      const res = await fetch(`${system.urls.inventory}/api/inventory/stock/${productId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stockToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ onHand: 1_000_000 }),
      });
      if (!res.ok) throw new Error(`raising stock of ${productId}: HTTP ${res.status} ${await res.text()}`);
    }
    const tokens = [...(await tokensFor(system, shoppers)).values()];

    const databaseUrl = shopApi.spec.env.DATABASE_URL;
    const database = databaseUrl ? new URL(databaseUrl).pathname.slice(1) : undefined;
    const admin = new pg.Client({ connectionString: testPostgresUrl() });
    await admin.connect();
    try {
      const adminQuery = <Row>(sql: string, params?: unknown[]) =>
        admin.query(sql, params) as unknown as Promise<{ rows: Row[] }>;
      const before = database ? await committedTransactions(adminQuery, database) : 0;
      proxy.reset();
      const cpuBefore = await cpuByProcess(system, adminQuery);
      const load = await runCheckoutLoad({
        base: system.urls.shopApi,
        tokens,
        seconds: options.seconds,
        productIds: PRODUCTS,
      });
      const cpuAfter = await cpuByProcess(system, adminQuery);
      const checkouts = allCheckouts(load);
      const cpuPerCheckout = new Map<string, number>();
      for (const [key, ms] of cpuAfter) {
        const name = key.split('#')[0]!;
        const used = ms - (cpuBefore.get(key) ?? 0);
        cpuPerCheckout.set(name, (cpuPerCheckout.get(name) ?? 0) + used / checkouts);
      }
      const tokenRequests = proxy.total('shop-api');
      const tokenDetail = [...proxy.counts].map(([key, n]) => `${key}: ${n}`).join(', ');
      // Stopping shop-api closes its pool: its backends report their statistics as they exit.
      await shopApi.stop('SIGTERM');
      const after = database ? await settledTransactions(adminQuery, database) : 0;
      const client = database ? new pg.Client({ connectionString: databaseUrl }) : undefined;
      await client?.connect();
      const delivered = client
        ? (await client.query('SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NOT NULL')).rows[0]
            .n
        : 0;
      await client?.end();
      return {
        ...load,
        label: options.label ?? 'real services (separate processes, real idp)',
        database: 'postgres',
        poolSize: options.poolSize ?? 'service defaults',
        tokenRequests,
        tokenDetail,
        ...(database ? { transactionsPerCheckout: (after - before) / checkouts } : {}),
        delivered,
        cpuPerCheckout,
      };
    } finally {
      await admin.end();
    }
  } finally {
    await proxy.close();
    await system.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

type System = Awaited<ReturnType<typeof StartTestSystem>>;

/**
 * CPU ms used so far by each Node part, by each PostgreSQL backend of each service's database
 * (`postgres shop-api#<pid>`: those connected now, on this machine's server) and by this process.
 * A backend that connected during the load counts from zero.
 */
async function cpuByProcess(system: System, adminQuery: AdminQuery): Promise<Map<string, number>> {
  const cpu = new Map<string, number>();
  for (const name of PARTS) cpu.set(name, cpuMsOf(system.system.part(name).child.pid!));
  for (const name of DATABASE_PARTS) {
    const url = system.system.part(name).spec.env.DATABASE_URL;
    if (!url) continue;
    const { rows } = await adminQuery<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [new URL(url).pathname.slice(1)],
    );
    for (const { pid } of rows) cpu.set(`postgres ${name}#${pid}`, cpuMsOf(pid));
  }
  const own = process.cpuUsage();
  cpu.set('load generator', (own.user + own.system) / 1000);
  return cpu;
}
