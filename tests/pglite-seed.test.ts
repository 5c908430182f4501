/**
 * `npm start` makes one embedded cluster and copies it into every service folder that has none:
 * the copies are real, independent clusters, and a folder that already has data is left alone.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@mockmart/service-kit/db';
import { seedPgliteFolders } from '../scripts/lib/pglite-seed.ts';

const root = mkdtempSync(join(tmpdir(), 'mockmart-seed-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function withDatabase<T>(
  service: string,
  work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
) {
  const db = await openDatabase({ dataDir: join(root, service) });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

test('seeds only the folders without a cluster; existing data and half-made folders are handled', async () => {
  // shop-api already has a cluster with a row in it.
  await withDatabase('shop-api', (db) =>
    db.exec("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('mine')"),
  );
  // payment was interrupted during initdb: files, but no PG_VERSION.
  mkdirSync(join(root, 'payment', 'pgdata'), { recursive: true });
  writeFileSync(join(root, 'payment', 'pgdata', 'postgresql.conf'), '# half-written\n');

  const seeded = await seedPgliteFolders(root, ['shop-api', 'inventory', 'payment']);

  assert.deepEqual(seeded, ['inventory', 'payment']);
  const kept = await withDatabase('shop-api', (db) => db.query<{ note: string }>('SELECT note FROM kept'));
  assert.deepEqual(kept.rows, [{ note: 'mine' }], 'an existing cluster must not be replaced');
  assert.deepEqual(
    readdirSync(root).filter((name) => name.startsWith('.pglite-seed-')),
    [],
    'the seed cluster is removed',
  );
});

test('each seeded folder is its own working cluster', async () => {
  await withDatabase('inventory', (db) =>
    db.exec("CREATE TABLE stock (sku text); INSERT INTO stock VALUES ('ssd')"),
  );
  const inPayment = await withDatabase('payment', (db) =>
    db.query<{ found: string | null }>("SELECT to_regclass('public.stock')::text AS found"),
  );
  assert.deepEqual(inPayment.rows, [{ found: null }], 'a table made in one copy must not appear in another');
  assert.ok(existsSync(join(root, 'payment', 'pgdata', 'PG_VERSION')));
});

test('nothing to do when every service has its cluster', async () => {
  assert.deepEqual(await seedPgliteFolders(root, ['shop-api', 'inventory', 'payment']), []);
});
