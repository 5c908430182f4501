/**
 * `npm start` as a user runs it (scripts/start.ts), on shifted ports and a temporary data folder:
 * it starts every part and prints where to go; a part that crashes stops the whole system loudly;
 * Ctrl-C stops everything cleanly.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PORTS, REPO_ROOT } from '../scripts/lib/parts.ts';

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
 * An offset that puts all six default ports on free ones, below the ephemeral range: the other
 * test files bind port 0 and open connections all the time, and a port of theirs taken between
 * this check and the part's own bind made payment crash with EADDRINUSE.
 */
async function freeOffset(): Promise<number> {
  const highest = Math.max(...Object.values(DEFAULT_PORTS));
  const span = EPHEMERAL_PORTS_START - 20_000 - highest;
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * span);
    const free = await Promise.all(Object.values(DEFAULT_PORTS).map((port) => portFree(port + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error('no free port range found');
}

async function start(): Promise<{ child: ChildProcess; output: () => string; pids: Map<string, number> }> {
  const folder = mkdtempSync(join(tmpdir(), 'mockmart-start-'));
  folders.push(folder);
  const env: Record<string, string | undefined> = {
    ...process.env,
    MOCKMART_PORT_OFFSET: String(await freeOffset()),
    MOCKMART_DATA_DIR: join(folder, 'data'),
    MOCKMART_SECRETS_FILE: join(folder, 'secrets.env'),
    NODE_ENV: 'development',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['scripts/start.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 150_000;
  while (!/Processes\s+(.+)/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pids = new Map(
    /Processes\s+(.+)/
      .exec(output)![1]!
      .split(', ')
      .map((entry) => entry.split(' ') as [string, string])
      .map(([name, pid]) => [name, Number(pid)] as const),
  );
  return { child, output: () => output, pids };
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

describe('npm start', { timeout: 400_000 }, () => {
  test('starts all six parts, prints the URLs and demo users, and stops everything on Ctrl-C', async () => {
    const { child, output, pids } = await start();
    assert.deepEqual([...pids.keys()].sort(), [
      'gateway',
      'idp',
      'inventory',
      'notification',
      'payment',
      'shop-api',
    ]);
    assert.match(output(), /MockMart is running \([\d.]+ s\)/);
    assert.match(output(), /mario\s+mario123/);
    assert.doesNotMatch(output(), /secret=|CLIENT_SECRET=/i, 'secrets are never printed');
    child.kill('SIGINT');
    assert.equal(await exited(child, 30_000), 0);
    for (const [name, pid] of pids) assert.ok(!alive(pid), `${name} (${pid}) still running`);
  });

  test('a part that crashes is reported loudly and the whole system is stopped', async () => {
    const { child, output, pids } = await start();
    process.kill(pids.get('payment')!, 'SIGKILL');
    assert.equal(await exited(child, 30_000), 1);
    assert.match(output(), /payment CRASHED/);
    for (const [name, pid] of pids) assert.ok(!alive(pid), `${name} (${pid}) still running`);
  });
});
