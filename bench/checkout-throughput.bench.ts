/**
 * Checkout throughput of shop-api (issue #5): N concurrent signed-in shoppers, each looping
 * "add to cart → POST /api/checkout" over real HTTP for a fixed time, in two modes run one after
 * the other and printed side by side:
 *
 * - in-process: shop-api listening on 127.0.0.1 in this process, a throwaway PostgreSQL database,
 *   a local token issuer, and the small Fastify fakes of inventory/payment/notification from
 *   services/shop-api/src/testing (real HTTP, real signed service tokens verified by each fake).
 *   Commits are counted on the client side (bench/checkout-commit-counter.ts).
 * - real: the idp, inventory, payment, notification and shop-api as separate processes, each on
 *   its own throwaway PostgreSQL database (bench/checkout-real-system.ts). Commits are counted by
 *   PostgreSQL (pg_stat_database.xact_commit of shop-api's database).
 *
 * Both print checkouts/s and p50/p95/p99 latency of the measured window, after a warm-up whose
 * checkouts (the cold start: see checkout-load.ts) are reported on their own, the cart adds' latency
 * and the token requests shop-api made during the run (expected: one per downstream audience per
 * token lifetime); the real mode also prints the CPU time per checkout of each process (the
 * services, their PostgreSQL backends, the load generator), over the whole run.
 *
 * `--against <checkout>` runs the real mode on another checkout too (e.g. `git worktree add
 * /tmp/checkout-base <commit>`, with a node_modules whose @mockmart links point into it), rounds
 * alternating between the two, so the ratio is measured in one run on the same machine.
 *
 *   node bench/checkout-throughput.bench.ts [--seconds 25] [--users 50] [--mode both|in-process|real]
 *                                           [--pool <shop-api's DATABASE_POOL_SIZE in the real mode>]
 *                                           [--against <checkout>] [--rounds 1]
 *                                           [--cpu-prof <folder for the services' V8 CPU profiles>]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startHarness } from '@mockmart/shop-api/testing';
import { countCommits } from './checkout-commit-counter.ts';
import { allCheckouts, percentile, runCheckoutLoad, WARM_UP_SEC } from './checkout-load.ts';
import { runRealSystem, type ModeResult } from './checkout-real-system.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '25' },
    users: { type: 'string', default: '50' },
    mode: { type: 'string', default: 'both' },
    pool: { type: 'string' },
    against: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const rounds = Math.max(1, Math.min(Number(values.rounds), 5));
const seconds = Math.max(5, Math.min(Number(values.seconds), 40));
const users = Number(values.users);
const modes = values.mode === 'both' ? ['in-process', 'real'] : [values.mode];

async function inProcess(): Promise<ModeResult> {
  const h = await startHarness({ LOG_LEVEL: 'error' });
  try {
    for (let id = 1; id <= 10; id++) h.inventory.stock.set(id, { onHand: 1_000_000_000, reserved: 0 });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}`;
    h.dispatcher.start();
    const tokens = await Promise.all(Array.from({ length: users }, (_, i) => h.userToken(`bench-user-${i}`)));
    const before = h.tokens.stats.tokenRequests;
    const counter = countCommits();
    let load;
    try {
      load = await runCheckoutLoad({ base, tokens, seconds, productIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
      await h.dispatcher.runOnce();
    } finally {
      counter.stop();
    }
    const n = allCheckouts(load);
    const delivered = (
      await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NOT NULL')
    ).rows[0]!.n;
    return {
      ...load,
      label: 'in-process (shop-api + fakes in this process)',
      database: 'postgres',
      poolSize: 'kit default (test database)',
      tokenRequests: h.tokens.stats.tokenRequests - before,
      tokenDetail: `issuer saw ${h.issuer.counts.token} in all`,
      transactionsPerCheckout: counter.counts.transactions / n,
      writeCommitsPerCheckout: counter.counts.writeCommits / n,
      statementsPerCheckout: counter.counts.statements / n,
      delivered,
    };
  } finally {
    await h.close();
  }
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
const loadAtStart = load();
const results: ModeResult[] = [];
for (const mode of modes) {
  if (mode === 'in-process') results.push(await inProcess());
  else if (mode === 'real') {
    // Rounds alternate the sides (and which goes first) so a change in the machine's load hits both.
    for (let round = 1; round <= rounds; round++) {
      const sides = [
        { label: `real, this checkout (round ${round})`, root: undefined },
        ...(values.against
          ? [{ label: `real, ${values.against} (round ${round})`, root: values.against }]
          : []),
      ];
      if (round % 2 === 0) sides.reverse();
      for (const side of sides)
        results.push(
          await runRealSystem({
            users,
            seconds,
            poolSize: values.pool,
            cpuProfDir: values['cpu-prof'],
            ...side,
          }),
        );
    }
  } else throw new Error(`unknown --mode ${mode} (both | in-process | real)`);
}

const fixed = (n: number | undefined, digits = 1) => (n === undefined ? '-' : n.toFixed(digits));
const rows: [string, (r: ModeResult) => string][] = [
  ['mode', (r) => r.label],
  ['database / pool', (r) => `${r.database} / ${r.poolSize}`],
  [
    'users, seconds measured',
    (r) => `${r.users}, ${r.elapsedSec.toFixed(1)} (after ${WARM_UP_SEC} s of warm-up)`,
  ],
  ['checkouts (statuses: warm-up too)', (r) => `${r.latencies.length} ${JSON.stringify(r.statuses)}`],
  ['checkouts/s', (r) => fixed(r.latencies.length / r.elapsedSec)],
  ['p50 ms', (r) => fixed(percentile(r.latencies, 50))],
  ['p95 ms', (r) => fixed(percentile(r.latencies, 95))],
  ['p99 ms', (r) => fixed(percentile(r.latencies, 99))],
  ['max ms', (r) => fixed(r.latencies.at(-1))],
  ['cart add p50/p99 ms', (r) => [50, 99].map((p) => fixed(percentile(r.cartLatencies, p), 0)).join(' / ')],
  [
    `warm-up (cold start): checkouts, p50/p99/max ms`,
    (r) =>
      `${r.warmUpLatencies.length}, ${[50, 99, 100].map((p) => fixed(percentile(r.warmUpLatencies, p), 0)).join(' / ')}`,
  ],
  ['token requests (shop-api)', (r) => `${r.tokenRequests} (${r.tokenDetail})`],
  ['transactions / checkout', (r) => fixed(r.transactionsPerCheckout, 2)],
  ['write commits / checkout', (r) => fixed(r.writeCommitsPerCheckout, 2)],
  ['statements / checkout', (r) => fixed(r.statementsPerCheckout, 2)],
  ['events delivered', (r) => String(r.delivered)],
];
const processes = [...new Set(results.flatMap((r) => [...(r.cpuPerCheckout?.keys() ?? [])]))];
for (const name of processes)
  rows.push([`CPU ms / checkout: ${name}`, (r) => fixed(r.cpuPerCheckout?.get(name), 2)]);
if (processes.length > 0)
  rows.push([
    'CPU ms / checkout: all',
    (r) =>
      r.cpuPerCheckout
        ? fixed(
            [...r.cpuPerCheckout.values()].reduce((a, b) => a + b, 0),
            2,
          )
        : '-',
  ]);
const width = Math.max(...rows.map(([name]) => name.length));
console.log(
  `checkout-throughput: ${users} users, ${seconds} s per mode; load average ${loadAtStart} at the start, ${load()} at the end`,
);
for (const [name, value] of rows) {
  console.log(`  ${name.padEnd(width)}  ${results.map((r) => value(r).padEnd(48)).join('  ')}`);
}
