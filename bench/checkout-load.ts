/**
 * The load of the checkout benchmarks: N signed-in shoppers, each looping "add to cart → POST
 * /api/checkout (with a fresh Idempotency-Key)" against a shop-api base URL until the deadline.
 * Only the checkout call is timed; the cart call is the shopper's think time.
 *
 * Latency is also reported for the steady state, without the checkouts that began in the first
 * WARM_UP_SEC: all shoppers start in the same millisecond against services that have just started
 * (no JIT yet, pools and service tokens still to open), and those first fifty checkouts alone
 * made most of a 20 s run's p99.
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
  /** The same, for the checkouts that began WARM_UP_SEC or more after the load started. */
  steadyLatencies: number[];
  /** Cart adds after the warm-up, in ms, sorted ascending (the shoppers' think time). */
  cartLatencies: number[];
  statuses: Record<string, number>;
}

export interface LoadOptions {
  base: string;
  tokens: string[];
  seconds: number;
  productIds: number[];
}

/** Checkouts that begin this soon after the load starts are left out of the steady-state figures. */
export const WARM_UP_SEC = 2;

export async function runCheckoutLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const steadyLatencies: number[] = [];
  const cartLatencies: number[] = [];
  const loadStarted = performance.now();
  const steadyFrom = loadStarted + WARM_UP_SEC * 1000;
  const statuses = new Map<number, number>();
  const deadline = Date.now() + options.seconds * 1000;
  const { productIds } = options;

  async function shopper(token: string, index: number): Promise<void> {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let n = 0;
    while (Date.now() < deadline) {
      const cartStarted = performance.now();
      const add = await request(`${options.base}/api/cart`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ productId: productIds[(index + n) % productIds.length], quantity: 1 }),
      });
      await add.body.dump();
      const started = performance.now();
      if (cartStarted >= steadyFrom) cartLatencies.push(started - cartStarted);
      const res = await request(`${options.base}/api/checkout`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `bench-${index}-${n++}-${started}` },
        body: JSON.stringify({ shippingAddress: ADDRESS, paymentMethod: 'credit-card' }),
      });
      await res.body.dump();
      const latency = performance.now() - started;
      latencies.push(latency);
      if (started >= steadyFrom) steadyLatencies.push(latency);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
  }

  await Promise.all(options.tokens.map((token, i) => shopper(token, i)));
  const ascending = (a: number, b: number) => a - b;
  return {
    users: options.tokens.length,
    elapsedSec: (performance.now() - loadStarted) / 1000,
    latencies: latencies.sort(ascending),
    steadyLatencies: steadyLatencies.sort(ascending),
    cartLatencies: cartLatencies.sort(ascending),
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
