/**
 * The load of the checkout benchmarks: N signed-in shoppers, each looping "add to cart → POST
 * /api/checkout (with a fresh Idempotency-Key)" against a shop-api base URL until the deadline.
 * Only the checkout call is timed; the cart call is the shopper's think time.
 *
 * The load runs WARM_UP_SEC before the measured `seconds`, as the read-path benchmark warms both
 * sides before measuring: all shoppers start in the same millisecond against services that have
 * just started (no JIT yet, pools, backends and service tokens still to open), and that first
 * wave of fifty checkouts alone made most of a 20 s run's p99. The warm-up's checkouts are
 * reported on their own (the cold start), never mixed into the measured figures.
 *
 * The shoppers call through undici's request API rather than fetch: the load generator shares the
 * two cores with the system it measures, and fetch cost it ≈ 3.5× the CPU per call.
 */
import { request } from 'undici';
import { ADDRESS } from '@mockmart/shop-api/testing';

export interface LoadResult {
  users: number;
  /** The measured window, warm-up excluded. */
  elapsedSec: number;
  /** Latencies in ms of the checkouts that began in the measured window, sorted ascending. */
  latencies: number[];
  /** The same, for the checkouts that began during the warm-up (the cold start). */
  warmUpLatencies: number[];
  /** Cart adds of the measured window, in ms, sorted ascending (the shoppers' think time). */
  cartLatencies: number[];
  /** Statuses of every checkout, warm-up included. */
  statuses: Record<string, number>;
}

export interface LoadOptions {
  base: string;
  tokens: string[];
  /** The measured window; the warm-up runs before it. */
  seconds: number;
  productIds: number[];
}

/** How long the load runs before the measured window starts. */
export const WARM_UP_SEC = 2;

export async function runCheckoutLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const warmUpLatencies: number[] = [];
  const cartLatencies: number[] = [];
  const measuredFrom = performance.now() + WARM_UP_SEC * 1000;
  const statuses = new Map<number, number>();
  const deadline = measuredFrom + options.seconds * 1000;
  const { productIds } = options;

  async function shopper(token: string, index: number): Promise<void> {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let n = 0;
    while (performance.now() < deadline) {
      const cartStarted = performance.now();
      const add = await request(`${options.base}/api/cart`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ productId: productIds[(index + n) % productIds.length], quantity: 1 }),
      });
      await add.body.dump();
      const started = performance.now();
      if (cartStarted >= measuredFrom) cartLatencies.push(started - cartStarted);
      const res = await request(`${options.base}/api/checkout`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `bench-${index}-${n++}-${started}` },
        body: JSON.stringify({ shippingAddress: ADDRESS, paymentMethod: 'credit-card' }),
      });
      await res.body.dump();
      (started >= measuredFrom ? latencies : warmUpLatencies).push(performance.now() - started);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
  }

  await Promise.all(options.tokens.map((token, i) => shopper(token, i)));
  const ascending = (a: number, b: number) => a - b;
  return {
    users: options.tokens.length,
    // Checkouts begun before the deadline finish after it: the window ends with the last of them.
    elapsedSec: (performance.now() - measuredFrom) / 1000,
    latencies: latencies.sort(ascending),
    warmUpLatencies: warmUpLatencies.sort(ascending),
    cartLatencies: cartLatencies.sort(ascending),
    statuses: Object.fromEntries(statuses),
  };
}

/** Every checkout the load made, warm-up included (what whole-run counters are divided by). */
export function allCheckouts(load: LoadResult): number {
  return Math.max(1, load.latencies.length + load.warmUpLatencies.length);
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
