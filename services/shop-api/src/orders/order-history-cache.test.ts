/**
 * Order histories kept in memory (order-history-cache.ts). First how the cache decides, over a
 * database stand-in that counts and holds queries; then the whole path on two replicas of a real
 * database: a change by any writer reaches every replica by NOTIFY, the replica that took a
 * checkout or a cancellation serves it at once, and a lost listening connection serves nothing stale.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, eventually, startHarness, type Harness } from '../testing/harness.ts';
import { createOrderHistoryCache } from './order-history-cache.ts';
import type { Database, ListenHandlers, Queryable } from '../lib/db.ts';
import type { ShopApp } from '../app.ts';

/** A database that answers every history query with `[n]`, n counting queries, when released. */
function countingDatabase() {
  const held: Array<() => void> = [];
  const database = {
    queries: 0,
    failNext: false,
    hold: false,
    held,
    releaseAll() {
      for (const release of held.splice(0)) release();
    },
    db: {
      query: async () => {
        const n = ++database.queries;
        if (database.hold) await new Promise<void>((resolve) => held.push(resolve));
        if (database.failNext) {
          database.failNext = false;
          throw new Error('connection lost');
        }
        return { rows: [{ orders: `[${n}]`, total: 1 }], rowCount: 1 };
      },
    } as unknown as Queryable,
  };
  return database;
}

const listeningCache = (db: Queryable, maxChars = 1_000_000) => {
  const cache = createOrderHistoryCache(db, maxChars);
  cache.changes.onListening(true);
  return cache;
};
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('order history cache', () => {
  test('a kept history is served without a query; concurrent readers share one', async () => {
    const database = countingDatabase();
    const cache = listeningCache(database.db);
    const reads = await Promise.all([1, 2, 3].map(() => cache.read({ userId: 'mario' })));
    assert.deepEqual(reads, ['[1]', '[1]', '[1]']);
    assert.equal(await cache.read({ userId: 'mario' }), '[1]');
    assert.equal(database.queries, 1);
    assert.equal(await cache.read({ userId: 'luigi' }), '[2]', 'another user: their own query');
    const page = await cache.read({ userId: 'mario', page: 2, pageSize: 5 });
    assert.deepEqual(JSON.parse(page).items, [3], 'another page: its own query too');
    assert.equal(await cache.read({ userId: 'mario', page: 2, pageSize: 5 }), page);
    assert.equal(database.queries, 3);
  });

  test("a change drops that user's history only, and an empty payload drops everyone's", async () => {
    const database = countingDatabase();
    const cache = listeningCache(database.db);
    await cache.read({ userId: 'mario' });
    await cache.read({ userId: 'luigi' });
    cache.changes.onNotify('mario');
    assert.equal(await cache.read({ userId: 'mario' }), '[3]');
    assert.equal(await cache.read({ userId: 'luigi' }), '[2]');
    cache.changed('luigi'); // this replica's own write
    assert.equal(await cache.read({ userId: 'luigi' }), '[4]');
    cache.changes.onNotify('');
    assert.equal(await cache.read({ userId: 'mario' }), '[5]');
    assert.equal(await cache.read({ userId: 'luigi' }), '[6]');
  });

  test('a read that a change overtook is answered but not kept, and nobody joins it after the change', async () => {
    const database = countingDatabase();
    const cache = listeningCache(database.db);
    database.hold = true;
    const early = cache.read({ userId: 'mario' }); // reads what was there before the commit
    await settle();
    cache.changes.onNotify('mario'); // the commit's notification
    const late = cache.read({ userId: 'mario' });
    await settle();
    assert.equal(database.queries, 2, 'a reader after the change does not join the earlier read');
    database.hold = false;
    database.releaseAll();
    assert.equal(await early, '[1]');
    assert.equal(await late, '[2]');
    assert.equal(await cache.read({ userId: 'mario' }), '[2]', 'the read begun after the change is kept');
    assert.equal(database.queries, 2);
  });

  test('until it listens, and after the connection is lost, every read is a query', async () => {
    const database = countingDatabase();
    const cache = createOrderHistoryCache(database.db, 1_000_000);
    await cache.read({ userId: 'mario' });
    await cache.read({ userId: 'mario' });
    assert.equal(database.queries, 2, 'not listening yet: nothing kept');
    cache.changes.onListening(true);
    await cache.read({ userId: 'mario' });
    await cache.read({ userId: 'mario' });
    assert.equal(database.queries, 3);
    cache.changes.onListening(false); // a notification may be missed from now on
    await cache.read({ userId: 'mario' });
    await cache.read({ userId: 'mario' });
    assert.equal(database.queries, 5);
    cache.changes.onListening(true);
    assert.equal(await cache.read({ userId: 'mario' }), '[6]', 'listening again: what was kept is gone');
  });

  test('a failed read is not kept', async () => {
    const database = countingDatabase();
    const cache = listeningCache(database.db);
    database.failNext = true;
    await assert.rejects(cache.read({ userId: 'mario' }), /connection lost/);
    assert.equal(await cache.read({ userId: 'mario' }), '[2]');
  });

  test('past its size the least recently read user goes first; 0 keeps nothing', async () => {
    const database = countingDatabase();
    const cache = listeningCache(database.db, 6); // each answer is 3 characters: two users fit
    await cache.read({ userId: 'a' }); // [1]
    await cache.read({ userId: 'b' }); // [2]
    assert.equal(await cache.read({ userId: 'a' }), '[1]', 'a is now the most recently read');
    await cache.read({ userId: 'c' }); // [3]: b goes
    assert.equal(await cache.read({ userId: 'a' }), '[1]');
    assert.equal(await cache.read({ userId: 'c' }), '[3]');
    assert.equal(await cache.read({ userId: 'b' }), '[4]', 'b was dropped');

    const none = countingDatabase();
    const off = listeningCache(none.db, 0);
    await off.read({ userId: 'a' });
    await off.read({ userId: 'a' });
    assert.equal(none.queries, 2);
  });
});

/** Notifications reach this database's listeners `delayMs` late, as on a busy server they may. */
const lateNotifications =
  (delayMs: number) =>
  (db: Database): Database => ({
    ...db,
    listen: (channels) =>
      db.listen(
        Object.fromEntries(
          Object.entries(channels).map(([channel, handlers]): [string, ListenHandlers] => [
            channel,
            {
              onNotify: (payload) => setTimeout(() => handlers.onNotify(payload), delayMs),
              onListening: handlers.onListening,
            },
          ]),
        ),
      ),
  });

const LATE_MS = 1000;

describe('order history on two replicas of one database', { timeout: 60_000 }, () => {
  let h: Harness;
  let a: ShopApp;
  let b: ShopApp;
  let mario: Record<string, string>;
  before(async () => {
    h = await startHarness();
    // Replica a hears every notification late: what it serves at once, it owes to itself.
    a = await h.replica({}, lateNotifications(LATE_MS));
    b = await h.replica();
    mario = bearer(await h.userToken('mario'));
    h.inventory.stock.set(2, { onHand: 100, reserved: 0 });
  });
  after(async () => h?.close());

  const history = async (app: ShopApp) => {
    const res = await app.inject({ url: '/api/orders', headers: mario });
    assert.equal(res.statusCode, 200);
    return res.json() as Array<{
      id: number;
      status: string;
      statusDetail: string | null;
      history: unknown[];
    }>;
  };
  const checkout = async (app: ShopApp) => {
    const added = await app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: mario,
      payload: { productId: 2, quantity: 1 },
    });
    assert.equal(added.statusCode, 200);
    const placed = await app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: mario,
      payload: { shippingAddress: ADDRESS, paymentMethod: 'credit-card' },
    });
    assert.equal(placed.statusCode, 201, placed.body);
    return placed.json().order as { id: number };
  };

  test('a checkout is in the next read on its replica at once, and on the other within moments', async () => {
    await checkout(a);
    assert.equal((await history(a)).length, 1); // both replicas now keep mario's history
    assert.equal((await history(b)).length, 1);
    const order = await checkout(a);
    const onA = await history(a);
    assert.equal(onA[0]?.id, order.id, 'the replica that took the checkout serves it at once');
    assert.equal(onA[0]?.status, 'confirmed');
    // The notification arrives a few ms after the commit.
    await eventually(async () => (await history(b))[0]?.id === order.id, 2000);
  });

  test('a change written straight to the database (no route) reaches both replicas', async () => {
    const [latest] = await history(a);
    await history(b);
    await h.db.query("UPDATE orders SET status_detail = 'changed by a script' WHERE id = $1", [latest!.id]);
    for (const app of [a, b])
      await eventually(async () => (await history(app))[0]?.statusDetail === 'changed by a script', 3000);
    // A status-history row alone (its order untouched) names the order's owner too.
    const steps = (await history(a))[0]!.history.length;
    await h.db.query(
      "INSERT INTO order_status_history (order_id, status, reason) VALUES ($1, 'confirmed', 'x')",
      [latest!.id],
    );
    for (const app of [a, b])
      await eventually(async () => (await history(app))[0]!.history.length === steps + 1, 3000);
  });

  test("an admin's cancellation is in the owner's next read on that replica at once", async () => {
    // Every late notification of the tests before lands first; then a keeps mario's history.
    await new Promise((resolve) => setTimeout(resolve, LATE_MS + 200));
    const [latest] = await history(a);
    assert.equal(latest?.status, 'confirmed');
    const cancelled = await a.inject({
      method: 'POST',
      url: `/api/admin/orders/${latest.id}/cancel`,
      headers: bearer(await h.adminToken()),
      payload: {},
    });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal((await history(a))[0]?.status, 'refunded');
    await eventually(async () => (await history(b))[0]?.status === 'refunded', 2000);
  });

  test('a lost listening connection never leaves a replica serving a missed change', async () => {
    const [latest] = await history(b);
    // Kill every LISTEN connection of this database (both replicas'), then change the order while
    // they reconnect: its notification may be lost, yet nothing stale may be served.
    await h.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
    );
    await h.db.query("UPDATE orders SET status_detail = 'changed while nobody listened' WHERE id = $1", [
      latest!.id,
    ]);
    for (const app of [a, b])
      await eventually(
        async () => (await history(app))[0]?.statusDetail === 'changed while nobody listened',
        3000,
      );
  });
});
