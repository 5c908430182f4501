/**
 * Checkout throughput of shop-api: 50 concurrent signed-in shoppers, each looping
 * "add to cart → POST /api/checkout" over real HTTP for a fixed time.
 *
 * Setup: shop-api listening on 127.0.0.1 (in this process), PostgreSQL on 127.0.0.1:5432 (a
 * throwaway database; PGlite if PostgreSQL is not reachable), a local token issuer, and the
 * inventory/payment/notification services replaced by the small Fastify fakes from
 * services/shop-api/src/testing (real HTTP, real signed service tokens verified by each fake).
 * The outbox dispatcher runs, so confirmation events are delivered during the run.
 *
 * Prints checkouts/s, p50/p95/p99 latency and how many token requests shop-api made
 * (expected: one per downstream audience per token lifetime).
 *
 *   node bench/checkout-throughput.bench.ts [--seconds 15] [--users 50]
 */
import { parseArgs } from 'node:util';
import { ADDRESS, startHarness } from '../services/shop-api/src/testing/harness.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '15' }, users: { type: 'string', default: '50' } },
});
const seconds = Math.min(Number(values.seconds), 20);
const users = Number(values.users);

const h = await startHarness({ LOG_LEVEL: 'error' });
for (let id = 1; id <= 10; id++) h.inventory.stock.set(id, { onHand: 1_000_000_000, reserved: 0 });
await h.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}`;
h.dispatcher.start();
h.issuer.resetCounts();

const tokens = await Promise.all(Array.from({ length: users }, (_, i) => h.userToken(`bench-user-${i}`)));
const latencies: number[] = [];
const statuses = new Map<number, number>();
const deadline = Date.now() + seconds * 1000;

async function shopper(token: string, index: number): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let n = 0;
  while (Date.now() < deadline) {
    const add = await fetch(`${base}/api/cart`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ productId: 1 + ((index + n) % 10), quantity: 1 }),
    });
    await add.arrayBuffer();
    const started = performance.now();
    const res = await fetch(`${base}/api/checkout`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-${index}-${n++}` },
      body: JSON.stringify({ shippingAddress: ADDRESS, paymentMethod: 'credit-card' }),
    });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
}

const started = performance.now();
await Promise.all(tokens.map((token, i) => shopper(token, i)));
const elapsedSec = (performance.now() - started) / 1000;
await h.dispatcher.runOnce();

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
const delivered = (
  await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NOT NULL')
).rows[0]!.n;
console.log(
  `checkout-throughput: ${users} users, ${elapsedSec.toFixed(1)} s, database ${h.db.kind}, downstream: local fakes over HTTP`,
);
console.log(
  `  checkouts: ${latencies.length} (${(latencies.length / elapsedSec).toFixed(1)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
);
console.log(
  `  checkout latency ms: p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${latencies.at(-1)!.toFixed(1)}`,
);
console.log(
  `  token requests by shop-api: ${h.tokens.stats.tokenRequests} (issuer saw ${h.issuer.counts.token}; audiences: inventory, payment, notification)`,
);
console.log(`  confirmation events delivered: ${delivered}`);
await h.close();
