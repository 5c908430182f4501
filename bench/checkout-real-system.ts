/**
 * The "real services" mode of the checkout benchmark: the idp, inventory, payment, notification
 * and shop-api as separate processes (tests/support/system.ts), each on its own throwaway
 * PostgreSQL database. Shoppers are N realm users with cheap pbkdf2 credentials (test data, so N
 * password grants stay fast); stock is raised through inventory's own admin API.
 *
 * shop-api is restarted once with KEYCLOAK_INTERNAL_URL pointing at a counting proxy in front of
 * the idp, so the token requests it makes are counted on the wire.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { testPostgresUrl } from '@mockmart/service-kit/testing';
import { startTestSystem } from '../tests/support/system.ts';
import {
  makeShoppers,
  realmFilesWith,
  tokensFor,
  writeShoppersRealm,
} from '../tests/system/support/shoppers.ts';
import {
  committedTransactions,
  runCheckoutLoad,
  settledTransactions,
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
}

const PRODUCTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const quiet = { LOG_LEVEL: 'warn' };

export async function runRealSystem(options: {
  users: number;
  seconds: number;
  poolSize: string;
}): Promise<ModeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mockmart-bench-'));
  const shoppers = makeShoppers(options.users, 'bench');
  const realm = await writeShoppersRealm(dir, shoppers);
  const system = await startTestSystem({
    only: ['idp', 'inventory', 'payment', 'notification', 'shop-api'],
    extraEnv: {
      idp: { ...quiet, IDP_REALM_FILES: realmFilesWith(realm) },
      inventory: quiet,
      payment: quiet,
      notification: quiet,
      'shop-api': { ...quiet, DATABASE_POOL_SIZE: options.poolSize },
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
      const load = await runCheckoutLoad({
        base: system.urls.shopApi,
        tokens,
        seconds: options.seconds,
        productIds: PRODUCTS,
      });
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
        label: 'real services (separate processes, real idp)',
        database: 'postgres',
        poolSize: options.poolSize,
        tokenRequests,
        tokenDetail,
        ...(database
          ? { transactionsPerCheckout: (after - before) / Math.max(1, load.latencies.length) }
          : {}),
        delivered,
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
