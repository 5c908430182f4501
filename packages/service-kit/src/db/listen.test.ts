/**
 * listen(): several channels on one connection, and a connection that dies without a word — here
 * a TCP relay in front of PostgreSQL that stops passing bytes on while keeping both sockets open,
 * as a network partition does — is noticed by the heartbeat, reported and replaced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { listen, type ListenHandlers, type Listener } from './listen.ts';
import { createThrowawayDatabase } from '../testing/index.ts';

/** Relays TCP to `target`; `stall()` silently stops every connection open so far. */
async function startRelay(target: URL) {
  const open: Array<[Socket, Socket]> = [];
  const all: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    open.push([client, upstream]);
    all.push(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stall() {
      for (const [client, upstream] of open.splice(0)) {
        client.unpipe();
        upstream.unpipe();
        client.pause();
        upstream.pause();
      }
    },
    close() {
      for (const socket of all) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('listen', { timeout: 30_000 }, () => {
  let database: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let listener: Listener | undefined;
  before(async () => {
    database = await createThrowawayDatabase();
    assert.ok(database, "the tests' PostgreSQL answers");
    relay = await startRelay(new URL(database.url));
  });
  after(async () => {
    await listener?.close();
    await relay?.close();
    await database?.drop();
  });

  const notify = async (channel: string, payload: string) => {
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    await client.end();
  };
  const recorder = () => {
    const seen = { payloads: [] as string[], states: [] as boolean[] };
    const handlers: ListenHandlers = {
      onNotify: (payload) => seen.payloads.push(payload),
      onListening: (now) => seen.states.push(now),
    };
    return { seen, handlers };
  };

  test('each channel reaches its own handlers; a silent connection is lost, reported and replaced', async () => {
    const through = new URL(database!.url);
    through.hostname = '127.0.0.1';
    through.port = String(relay.port);
    const first = recorder();
    const second = recorder();
    listener = await listen(
      through.toString(),
      { first_channel: first.handlers, second_channel: second.handlers },
      { heartbeatMs: 200 },
    );
    assert.deepEqual(first.seen.states, [true]);
    await notify('first_channel', 'a');
    await notify('second_channel', 'b');
    await until(() => first.seen.payloads.length === 1 && second.seen.payloads.length === 1, 2000);
    assert.deepEqual([first.seen.payloads, second.seen.payloads], [['a'], ['b']]);

    relay.stall(); // no error, no end: only silence
    await until(() => first.seen.states.length === 3 && second.seen.states.length === 3, 3000);
    assert.deepEqual(first.seen.states, [true, false, true], 'lost, then listening again');
    await notify('first_channel', 'after');
    await until(() => first.seen.payloads.includes('after'), 2000);
  });
});
