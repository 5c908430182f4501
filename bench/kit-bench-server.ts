/**
 * The server side of kit-overhead.bench.ts, one process per measurement:
 *   bare   plain Fastify, logger off, one JSON route
 *   kit    createApp (LOG_LEVEL from the environment) with the same route
 *   ready  createApp + PostgreSQL (DATABASE_URL) + a migration + a database readiness check
 * Prints `PORT <n>` on stderr once listening (stdout carries the service's own logs).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createApp, startServer } from '@mockmart/service-kit';
import { openDatabase } from '@mockmart/service-kit/db';

const mode = process.argv[2];
const product = {
  id: 42,
  name: 'Mechanical keyboard',
  price: { amount: 8999, currency: 'EUR' },
  tags: ['usb-c', 'tkl'],
};

if (mode === 'bare') {
  const app = Fastify();
  app.get('/api/product', async () => product);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.stderr.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
} else if (mode === 'kit' || mode === 'ready') {
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  if (mode === 'ready') {
    const migrations = mkdtempSync(join(tmpdir(), 'kit-bench-migrations-'));
    writeFileSync(
      join(migrations, '001_products.sql'),
      'CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price int NOT NULL CHECK (price >= 0));\n' +
        "INSERT INTO products VALUES (42, 'Mechanical keyboard', 8999);\n",
    );
    db = await openDatabase({ url: process.env.DATABASE_URL!, migrationsDir: migrations });
  }
  const database = db;
  const app = await createApp({
    name: 'bench',
    config: { NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    readiness: database ? { database: () => database.ping() } : {},
  });
  app.get('/api/product', async () => product);
  const server = await startServer(app, {
    host: '127.0.0.1',
    port: 0,
    onShutdown: database ? [() => database.close()] : [],
  });
  process.stderr.write(`PORT ${server.port}\n`);
} else {
  process.stderr.write('usage: kit-bench-server.ts bare|kit|ready\n');
  process.exit(2);
}
