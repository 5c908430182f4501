import type { Logger } from 'pino';
import type { Database } from './db/index.ts';
import { startServer, type RunningServer, type ServableApp } from './server.ts';
import { settleMemoryOnceQuiet } from './settle-memory.ts';

type Hook = () => Promise<unknown> | unknown;

/** The fields of `serviceConfigSchema` the bootstrap reads; every service config has them. */
export interface RunServiceConfig {
  HOST: string;
  PORT: number;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  NODE_ENV?: string;
  SHUTDOWN_DRAIN_MS?: number | undefined;
}

/** Long enough for a load balancer polling readiness every few seconds to notice the 503. */
const PRODUCTION_DRAIN_MS = 5000;

/** What a service's `build` step hands back: the app plus whatever runs beside it. */
export interface BuiltService<App extends ServableApp> {
  app: App;
  /** Run on shutdown after the app closed and before the database closes (stop workers here). */
  onShutdown?: Hook[];
  /** Run once the server listens (start background workers that should not run before it). */
  onListening?: () => unknown;
}

export interface RunServiceOptions<App extends ServableApp> {
  config: RunServiceConfig;
  migrationsDir: URL;
  /** Receives the "migrations applied" line; the app's own logger does not exist yet. */
  logger?: Pick<Logger, 'info'>;
  /**
   * Builds the service on the open database: the app, the token verifier and its issuer check,
   * workers. Kept a callback so service-kit stays free of @mockmart/auth and service specifics.
   */
  build: (deps: { db: Database }) => Promise<BuiltService<App>>;
  /** Tests turn signal handling off and call stop() themselves. */
  handleSignals?: boolean;
}

export interface RunningService<App> extends RunningServer {
  app: App;
  db: Database;
}

/**
 * The bootstrap every service's server.ts shares: open the database and migrate it, build the app,
 * listen with graceful shutdown (service hooks first, then the pool). A start-up that fails after
 * the database opened closes it again, so the failure is the only thing the process reports.
 */
export async function runService<App extends ServableApp>(
  options: RunServiceOptions<App>,
): Promise<RunningService<App>> {
  const { config } = options;
  // Loaded lazily so the "." entry does not pull pg into every importer.
  const { openDatabase } = await import('./db/index.ts');
  const db = await openDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    migrationsDir: options.migrationsDir,
    ...(options.logger ? { logger: options.logger } : {}),
  });

  let built: BuiltService<App>;
  try {
    built = await options.build({ db });
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }

  let server: RunningServer;
  try {
    server = await startServer(built.app, {
      host: config.HOST,
      port: config.PORT,
      drainMs: config.SHUTDOWN_DRAIN_MS ?? (config.NODE_ENV === 'production' ? PRODUCTION_DRAIN_MS : 0),
      // Service hooks first: workers stop before the pool they use closes.
      onShutdown: [...(built.onShutdown ?? []), () => db.close()],
      ...(options.handleSignals === false ? { handleSignals: false } : {}),
    });
  } catch (error) {
    // The port is taken, say: close what was opened, so the failure is all the process reports.
    await db.close().catch(() => {});
    throw error;
  }
  built.onListening?.();
  // The service owns its process (tests that run several in one process turn signals off).
  if (options.handleSignals !== false) settleMemoryOnceQuiet();
  return { ...server, app: built.app, db };
}
