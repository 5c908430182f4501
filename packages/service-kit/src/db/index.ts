import type { Logger } from 'pino';
import { openPostgres } from './postgres.ts';
import { migrate } from './migrate.ts';
import type { Database } from './types.ts';

export interface OpenDatabaseOptions {
  /** PostgreSQL URL: the configured server, or the embedded one `npm start` runs. */
  url: string;
  migrationsDir?: URL | string;
  logger?: Pick<Logger, 'info'>;
  poolSize?: number;
  /** How long a query waits for a free pooled connection before failing (→ 503). Default 5 s. */
  connectTimeoutMs?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const db = openPostgres(options.url, { max: options.poolSize, connectTimeoutMs: options.connectTimeoutMs });
  if (options.migrationsDir) {
    try {
      const applied = await migrate(db, options.migrationsDir);
      if (applied.length > 0) options.logger?.info({ applied }, 'migrations applied');
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}

export { migrate };
export type { ListenHandlers, Listener, ListenOptions } from './listen.ts';
export type {
  Database,
  Queryable,
  QueryOptions,
  QueryResult,
  TransactionOptions,
  Isolation,
} from './types.ts';
