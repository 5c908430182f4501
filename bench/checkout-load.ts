/**
 * The load of the checkout benchmarks: N signed-in shoppers, each looping "add to cart → POST
 * /api/checkout (with a fresh Idempotency-Key)" against a shop-api base URL until the deadline.
 * Only the checkout call is timed; the cart call is the shopper's think time.
 *
 * The shoppers call through undici's request API rather than fetch: the load generator shares the
 * two cores with the system it measures, and fetch cost it ≈ 3.5× the CPU per call.
 */
import { request } from 'undici';
import { ADDRESS } from '@mockmart/shop-api/testing';

export interface LoadResult {
  users: number;
  elapsedSec: number;
  /** Checkout latencies in ms, sorted ascending. */
  latencies: number[];
  statuses: Record<string, number>;
}

export interface LoadOptions {
  base: string;
  tokens: string[];
  seconds: number;
  productIds: number[];
}

export async function runCheckoutLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = Date.now() + options.seconds * 1000;
  const { productIds } = options;

  async function shopper(token: string, index: number): Promise<void> {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let n = 0;
    while (Date.now() < deadline) {
      const add = await request(`${options.base}/api/cart`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ productId: productIds[(index + n) % productIds.length], quantity: 1 }),
      });
      await add.body.dump();
      const started = performance.now();
      const res = await request(`${options.base}/api/checkout`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `bench-${index}-${n++}-${started}` },
        body: JSON.stringify({ shippingAddress: ADDRESS, paymentMethod: 'credit-card' }),
      });
      await res.body.dump();
      latencies.push(performance.now() - started);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
  }

  const started = performance.now();
  await Promise.all(options.tokens.map((token, i) => shopper(token, i)));
  return {
    users: options.tokens.length,
    elapsedSec: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    statuses: Object.fromEntries(statuses),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Transactions committed in one database (pg_stat_database), read from an admin connection. */
export async function committedTransactions(adminQuery: AdminQuery, database: string): Promise<number> {
  const { rows } = await adminQuery<{ n: number }>(
    'SELECT xact_commit::int AS n FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return rows[0]?.n ?? 0;
}

/**
 * The counter once it stopped moving: backends report their statistics when they exit, a moment
 * after their client closed the connection. Polls until two reads 200 ms apart agree (max 3 s).
 */
export async function settledTransactions(adminQuery: AdminQuery, database: string): Promise<number> {
  const deadline = Date.now() + 3000;
  let last = await committedTransactions(adminQuery, database);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await committedTransactions(adminQuery, database);
    if (now === last || Date.now() > deadline) return now;
    last = now;
  }
}

export type AdminQuery = <Row>(sql: string, params?: unknown[]) => Promise<{ rows: Row[] }>;
