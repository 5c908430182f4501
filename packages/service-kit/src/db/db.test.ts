import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, migrate, type Database } from './index.ts';
import { createTestDatabase, createThrowawayDatabase } from '../testing/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kit-db-'));
after(() => rmSync(root, { recursive: true, force: true }));

function migrations(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, sql] of Object.entries(files)) writeFileSync(join(dir, file), sql);
  return dir;
}

// 010 sorts after 002 and needs its column; README.md and the bad name are not migrations.
const good = migrations('good', {
  '001_items.sql':
    'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);\nINSERT INTO items VALUES (1, $$one$$);\n',
  '002_price.sql':
    'ALTER TABLE items ADD COLUMN price int NOT NULL DEFAULT 0;\nUPDATE items SET price = 100;',
  '010_price_check.sql': 'ALTER TABLE items ADD CONSTRAINT price_positive CHECK (price > 0);',
  'README.md': 'not a migration',
  '003-bad-name.sql': 'SELECT nonsense FROM nowhere;',
});
const failing = migrations('failing', {
  '001_items.sql': 'CREATE TABLE items (id int PRIMARY KEY);',
  '002_broken.sql': 'CREATE TABLE more_items (id int);\nINSERT INTO missing_table VALUES (1);',
});

async function tableExists(db: Database, table: string): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  return rows[0]?.found != null;
}

describe('database', { timeout: 60_000 }, () => {
  let url: string | undefined;
  let drops: Array<() => Promise<void>> = [];
  const open = async (options: { migrationsDir?: string } = {}) => {
    const throwaway = await createThrowawayDatabase();
    assert.ok(throwaway, 'the tests need PostgreSQL (npm test starts one when none answers)');
    url = throwaway.url;
    const db = await openDatabase({ url, poolSize: 3, ...options });
    drops.push(async () => {
      await db.close().catch(() => {});
      await throwaway.drop();
    });
    return db;
  };
  after(async () => {
    for (const drop of drops) await drop();
    drops = [];
  });

  test('applies migrations in order, once, and a second run is a no-op', async () => {
    const db = await open();
    try {
      assert.deepEqual(await migrate(db, good), ['001_items.sql', '002_price.sql', '010_price_check.sql']);
      assert.deepEqual(await migrate(db, new URL(`file://${good}/`)), []);
      const { rows } = await db.query<{ version: string }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows.map((row) => row.version),
        ['001_items.sql', '002_price.sql', '010_price_check.sql'],
      );
      assert.deepEqual((await db.query('SELECT id, name, price FROM items')).rows, [
        { id: 1, name: 'one', price: 100 },
      ]);
      await assert.rejects(db.query('UPDATE items SET price = 0'), /price_positive/);
    } finally {
      await db.close();
    }
  });

  test('a failing migration rolls back entirely and records nothing', async () => {
    const db = await open();
    try {
      await assert.rejects(migrate(db, failing), /missing_table/);
      assert.equal(await tableExists(db, 'items'), false);
      assert.equal(await tableExists(db, 'more_items'), false);
      assert.equal(await tableExists(db, 'schema_migrations'), false);
      // openDatabase refuses to hand out a half-migrated database.
      await assert.rejects(openDatabase({ url: url!, migrationsDir: failing }), /missing_table/);
    } finally {
      await db.close();
    }
  });

  test('a prepared query is prepared once per connection and answers for each set of parameters', async () => {
    const db = await open({ migrationsDir: good });
    const byId = 'SELECT id, name FROM items WHERE id = $1';
    const prepared = (id: number) => db.query(byId, [id], { prepare: 'item-by-id' });
    // More calls than pool connections, concurrently, in and out of a transaction.
    const answers = await Promise.all([1, 2, 1, 1, 2, 1].map(prepared));
    assert.deepEqual(
      answers.map((answer) => answer.rows),
      [
        [{ id: 1, name: 'one' }],
        [],
        [{ id: 1, name: 'one' }],
        [{ id: 1, name: 'one' }],
        [],
        [{ id: 1, name: 'one' }],
      ],
    );
    // On one connection (a transaction's): named, prepared once, used twice.
    const inside = await db.transaction(async (tx) => {
      await tx.query(byId, [2], { prepare: 'item-by-id' });
      const found = await tx.query(byId, [1], { prepare: 'item-by-id' });
      const prepared = await tx.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM pg_prepared_statements WHERE name = 'item-by-id'",
      );
      return { found: found.rows, prepared: prepared.rows[0]!.count };
    });
    assert.deepEqual(inside, { found: [{ id: 1, name: 'one' }], prepared: 1 });
  });

  test('a transaction rolls back when its work throws, and commits otherwise', async () => {
    const db = await open({ migrationsDir: good });
    try {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO items (id, name, price) VALUES ($1, $2, $3)', [2, 'two', 5]);
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal((await db.query('SELECT 1 FROM items WHERE id = 2')).rowCount, 0);
      const committed = await db.transaction(async (tx) => {
        const result = await tx.query('INSERT INTO items (id, name, price) VALUES ($1, $2, $3)', [
          3,
          'three',
          5,
        ]);
        return result.rowCount;
      });
      assert.equal(committed, 1);
      assert.equal((await db.query('SELECT id FROM items WHERE id > $1', [0])).rowCount, 2);
      await db.ping();
    } finally {
      await db.close();
    }
  });
});

describe('replicas starting together on one PostgreSQL database', { timeout: 60_000 }, () => {
  let throwaway: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  before(async () => {
    throwaway = await createThrowawayDatabase();
  });
  after(() => throwaway?.drop());

  test('both migrate successfully under the advisory lock, each migration applied once', async (t) => {
    if (!throwaway) return t.skip('PostgreSQL at 127.0.0.1:5432 is not reachable');
    const applied: string[][] = [];
    const logger = { info: (fields: { applied?: string[] }) => void applied.push(fields.applied ?? []) };
    const replicas = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ url: throwaway!.url, migrationsDir: good, logger, poolSize: 2 })),
    );
    try {
      assert.deepEqual(applied, [['001_items.sql', '002_price.sql', '010_price_check.sql']]);
      for (const db of replicas)
        assert.equal((await db.query('SELECT 1 FROM schema_migrations')).rowCount, 3);
    } finally {
      await Promise.all(replicas.map((db) => db.close()));
    }
  });
});

test('createTestDatabase gives a migrated throwaway database and drops it', { timeout: 60_000 }, async () => {
  const { db, url, drop } = await createTestDatabase({ migrationsDir: good });
  assert.deepEqual((await db.query('SELECT name FROM items')).rows, [{ name: 'one' }]);
  await drop();
  const again = await openDatabase({ url });
  await assert.rejects(again.ping(), /does not exist/);
  await again.close();
});
