/**
 * `npm start` as a user runs it (scripts/start.ts), on shifted ports and a temporary data folder:
 * it starts the embedded PostgreSQL and every part and prints where to go; a part that crashes
 * (PostgreSQL included) stops the whole system loudly; Ctrl-C stops everything cleanly.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_METRICS_PORTS,
  DEFAULT_PORTS,
  EMBEDDED_POSTGRES_PORT,
  REPO_ROOT,
  SECRET_NAMES,
} from '@mockmart/devstack';
import { loadOrCreateLocalSecrets, readLocalSecrets } from '@mockmart/devstack/local-secrets';
import { startUntilReady } from '@mockmart/devstack/start-until-ready';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Linux hands out ports from 32768 up for port 0 and outgoing connections (ip_local_port_range). */
const EPHEMERAL_PORTS_START = 32_768;

/**
 * An offset that puts all six default ports (and their metrics ports) on free ones, below the ephemeral range: the other
 * test files bind port 0 and open connections all the time, and a port of theirs taken between
 * this check and the part's own bind made payment crash with EADDRINUSE.
 */
async function freeOffset(): Promise<number> {
  const all = [
    ...Object.values(DEFAULT_PORTS),
    ...Object.values(DEFAULT_METRICS_PORTS),
    EMBEDDED_POSTGRES_PORT,
  ];
  const highest = Math.max(...all);
  const span = EPHEMERAL_PORTS_START - 20_000 - highest;
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * span);
    const free = await Promise.all(all.map((port) => portFree(port + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error('no free port range found');
}

interface Started {
  child: ChildProcess;
  output: () => string;
  pids: Map<string, number>;
  env: Record<string, string | undefined>;
  dataDir: string;
  secretsFile: string;
}

async function start(): Promise<Started> {
  const folder = mkdtempSync(join(tmpdir(), 'mockmart-start-'));
  chmodSync(folder, 0o755); // as root, PostgreSQL runs as the postgres user, who must reach its data
  folders.push(folder);
  const env: Record<string, string | undefined> = {
    ...process.env,
    MOCKMART_PORT_OFFSET: String(await freeOffset()),
    MOCKMART_DATA_DIR: join(folder, 'data'),
    MOCKMART_SECRETS_FILE: join(folder, 'secrets.env'),
    NODE_ENV: 'development',
  };
  delete env.DATABASE_URL;
  const { child, output, pids } = await startUntilReady({
    args: ['scripts/start.ts'],
    cwd: REPO_ROOT,
    env,
    timeoutMs: 150_000,
  });
  return {
    child,
    output,
    pids,
    env,
    dataDir: env.MOCKMART_DATA_DIR!,
    secretsFile: env.MOCKMART_SECRETS_FILE!,
  };
}

/** `npm run health` as a user runs it, with the same environment as the npm start under test. */
function health(env: Record<string, string | undefined>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['scripts/health.ts'],
      { cwd: REPO_ROOT, env, timeout: 30_000 },
      (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    ),
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const exited = (child: ChildProcess, timeoutMs: number) =>
  new Promise<number | null>((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error('npm start did not exit in time')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

test('a secrets file missing one secret gets only that one generated; the others are kept', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mockmart-secrets-'));
  folders.push(folder);
  const file = join(folder, 'local.env');
  const first = loadOrCreateLocalSecrets(file).secrets;
  const [dropped, ...kept] = SECRET_NAMES;
  writeFileSync(file, kept.map((name) => `${name}=${first[name]}`).join('\n'), { mode: 0o600 });
  const again = loadOrCreateLocalSecrets(file);
  assert.equal(again.created, true);
  for (const name of kept) assert.equal(again.secrets[name], first[name], `${name} was rotated`);
  assert.ok(again.secrets[dropped!] && again.secrets[dropped!] !== first[dropped!]);
  assert.deepEqual(readLocalSecrets(file), again.secrets);
  assert.equal(readFileSync(file, 'utf8').match(/^[A-Z_]+=/gm)?.length, SECRET_NAMES.length);
});

describe('npm start', { timeout: 400_000 }, () => {
  test('starts all six parts, prints the URLs and demo users, and stops everything on Ctrl-C', async () => {
    const { child, output, pids, env, dataDir, secretsFile } = await start();
    assert.deepEqual([...pids.keys()].sort(), [
      'gateway',
      'idp',
      'inventory',
      'notification',
      'payment',
      'postgres',
      'shop-api',
    ]);
    assert.match(output(), /MockMart is running \([\d.]+ s\)/);
    assert.match(output(), /mario\s+mario123/);
    assert.doesNotMatch(output(), /secret=|CLIENT_SECRET=/i, 'secrets are never printed');

    // The generated secrets: private to the user, and not one value anywhere in the output.
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
    const secrets = readLocalSecrets(secretsFile) ?? {};
    assert.deepEqual(Object.keys(secrets).sort(), [...SECRET_NAMES].sort());
    for (const [name, value] of Object.entries(secrets))
      assert.ok(value && !output().includes(value), `the value of ${name} was printed`);

    // The banner names the relocated data folder and secrets file, not the defaults.
    assert.match(output(), /PostgreSQL \d+ \(embedded, pid \d+\) under (\S+), one database per service/);
    assert.ok(output().includes(`under ${dataDir}/postgres`), output());
    assert.ok(output().includes(`Secrets         ${secretsFile}`), output());

    // npm run health with the same MOCKMART_PORT_OFFSET finds every part ready.
    const checked = await health(env);
    assert.equal(checked.code, 0, checked.stdout);
    for (const name of [...pids.keys()].filter((name) => name !== 'postgres'))
      assert.match(checked.stdout, new RegExp(`^${name}\\s+\\S*ready\\S*\\s`, 'm'), checked.stdout);

    child.kill('SIGINT');
    assert.equal(await exited(child, 30_000), 0);
    for (const [name, pid] of pids) assert.ok(!alive(pid), `${name} (${pid}) still running`);
  });

  // A service, and the database every service uses: either one's crash stops the whole system.
  for (const crashing of ['payment', 'postgres'])
    test(`a crash of ${crashing} is reported loudly and the whole system is stopped`, async () => {
      const { child, output, pids } = await start();
      process.kill(pids.get(crashing)!, 'SIGKILL');
      assert.equal(await exited(child, 30_000), 1);
      assert.match(output(), new RegExp(`${crashing} CRASHED`));
      for (const [name, pid] of pids) assert.ok(!alive(pid), `${name} (${pid}) still running`);
    });
});
