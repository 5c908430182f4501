import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './types.ts';

const FILE = /^(\d{3,})_[a-z0-9_-]+\.sql$/;
// Any constant works: it only has to be the same for every replica of every service.
const MIGRATION_LOCK = 727_001;

/**
 * Applies `NNN_name.sql` files in order, each once and inside a transaction, recorded in
 * schema_migrations. An advisory lock lets replicas start together without racing.
 */
export async function migrate(db: Database, migrationsDir: URL | string): Promise<string[]> {
  const dir = typeof migrationsDir === 'string' ? migrationsDir : fileURLToPath(migrationsDir);
  const files = (await readdir(dir)).filter((name) => FILE.test(name)).sort();
  const applied: string[] = [];

  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await tx.query<{ version: string }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(`${dir}/${file}`, 'utf8');
      await tx.query(sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  return applied;
}
