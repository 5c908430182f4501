/**
 * Child process of pglite-liftoff.bench.ts: opens the PGlite cluster in argv[2] (already
 * initialised), runs a checkout-like write transaction and two lookups per iteration, and prints
 * {readyMs, workMs, cpuMs} as JSON. Measurement code for the benchmark only.
 */
import { openDatabase } from '@mockmart/service-kit/db';

const ITERATIONS = Number(process.argv[3] ?? 2000);
const started = performance.now();
const db = await openDatabase({ dataDir: process.argv[2] as string });
const ready = performance.now();
await db.exec(`
  DROP TABLE IF EXISTS bench_orders, bench_stock;
  CREATE TABLE bench_stock (product_id int PRIMARY KEY, on_hand int NOT NULL);
  CREATE TABLE bench_orders (id serial PRIMARY KEY, product_id int NOT NULL, qty int NOT NULL, created_at timestamptz DEFAULT now());
  INSERT INTO bench_stock SELECT g, 1000000 FROM generate_series(1, 50) g;
`);
const work = performance.now();
for (let i = 0; i < ITERATIONS; i++) {
  const product = (i % 50) + 1;
  await db.transaction(async (tx) => {
    await tx.query('UPDATE bench_stock SET on_hand = on_hand - $2 WHERE product_id = $1', [product, 1]);
    await tx.query('INSERT INTO bench_orders (product_id, qty) VALUES ($1, $2)', [product, 1]);
  });
  await db.query('SELECT on_hand FROM bench_stock WHERE product_id = $1', [product]);
  await db.query('SELECT count(*) FROM bench_orders WHERE product_id = $1', [product]);
}
const done = performance.now();
await db.close();
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    readyMs: ready - started,
    workMs: done - work,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
);
