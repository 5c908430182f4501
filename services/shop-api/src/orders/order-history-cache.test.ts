/**
 * Order histories kept in memory (order-history-cache.ts), on a real database: served only while
 * the user's orders are the version they show, so a change by any writer — a checkout on another
 * replica, the saga, a script — is in the very next read; shared misses; the memory bound.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, startHarness, type Harness } from '../testing/harness.ts';
import { createOrderHistoryCache, type OrderHistoryCache } from './order-history-cache.ts';
import { orderHistoryEtag, type OrderHistoryQuery } from './order-history.ts';
import type { Queryable, QueryOptions } from '../lib/db.ts';
import type { ShopApp } from '../app.ts';

/**
 * The database, counting version checks and order-history document reads; a held document read
 * has read (its snapshot is taken) but does not answer until released.
 */
function watched(db: Queryable) {
  const held: Array<() => void> = [];
  const watch = {
    documents: 0,
    documentsRead: 0,
    versionsChecked: 0,
    hold: false,
    release() {
      for (const go of held.splice(0)) go();
    },
    db: {
      async query(sql: string, params?: unknown[], options?: QueryOptions) {
        const document = options?.prepare === 'order-history' || options?.prepare === 'order-history-page';
        if (document) watch.documents++;
        const result = await db.query(sql, params, options);
        if (options?.prepare === 'order-history-versions') watch.versionsChecked++;
        if (document) {
          watch.documentsRead++;
          if (watch.hold) await new Promise<void>((resolve) => held.push(resolve));
        }
        return result;
      },
    } as Queryable,
  };
  return watch;
}

/** The body a read answers with. */
const readJson = async (cache: OrderHistoryCache, query: OrderHistoryQuery) => (await cache.read(query)).json;

describe('order history kept in memory', { timeout: 60_000 }, () => {
  let h: Harness;
  let a: ShopApp;
  let b: ShopApp;
  let mario: Record<string, string>;
  let marioId: string;
  before(async () => {
    h = await startHarness();
    a = h.app;
    b = await h.replica();
    const token = await h.userToken('mario');
    mario = bearer(token);
    marioId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
    h.inventory.stock.set(2, { onHand: 100, reserved: 0 });
  });
  after(async () => h?.close());

  const history = async (app: ShopApp) => {
    const res = await app.inject({ url: '/api/orders', headers: mario });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store', 'nor kept by a browser or proxy');
    return res.json() as Array<{ id: number; status: string; statusDetail: string | null }>;
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

  test('a change on another replica or straight in the database is in the very next read', async () => {
    await checkout(a);
    assert.equal((await history(b)).length, 1); // b keeps mario's history now
    const order = await checkout(a);
    assert.equal((await history(b))[0]?.id, order.id, 'a checkout on the other replica');
    await h.db.query("UPDATE orders SET status_detail = 'changed by a script' WHERE id = $1", [order.id]);
    assert.equal((await history(b))[0]?.statusDetail, 'changed by a script', 'a script');
    await h.db.query('DELETE FROM orders WHERE id = $1', [order.id]);
    assert.notEqual((await history(b))[0]?.id, order.id, 'a deleted order');
  });

  test('a history page carries a strong ETag; If-None-Match gets 304 without the document until the orders change', async () => {
    await checkout(a);
    const first = await a.inject({ url: '/api/orders?page=1&pageSize=2', headers: mario });
    assert.equal(first.statusCode, 200);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[\w-]+\.[\w+/=]+"$/, 'strong: the format and the version of the orders');
    assert.equal(first.headers['cache-control'], 'no-store', 'still kept by no shared cache');

    const watch = watched(h.db);
    const cache = createOrderHistoryCache(watch.db, 1_000_000);
    assert.equal(orderHistoryEtag(await cache.version(marioId)), etag);
    assert.equal(watch.documents, 0, 'the version alone, no document');
    const unchanged = await b.inject({
      url: '/api/orders?page=1&pageSize=2',
      headers: { ...mario, 'if-none-match': etag },
    });
    assert.equal(unchanged.statusCode, 304, 'another replica agrees');
    assert.equal(unchanged.body, '');
    assert.equal(unchanged.headers.etag, etag);

    await checkout(b);
    const changed = await a.inject({
      url: '/api/orders?page=1&pageSize=2',
      headers: { ...mario, 'if-none-match': etag },
    });
    assert.equal(changed.statusCode, 200, 'a new order: the whole page again');
    assert.notEqual(changed.headers.etag, etag);
    const luigi = bearer(await h.userToken('luigi'));
    const other = await a.inject({
      url: '/api/orders?page=1&pageSize=2',
      headers: { ...luigi, 'if-none-match': etag },
    });
    assert.equal(other.statusCode, 200, "mario's ETag says nothing about luigi's orders");
  });

  test('one order carries a strong ETag; If-None-Match gets 304 until it changes; a stranger gets 404 either way', async () => {
    const order = await checkout(a);
    const url = `/api/orders/${order.id}`;
    const first = await a.inject({ url, headers: mario });
    assert.equal(first.statusCode, 200);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[\w-]+\.\d+"$/, "strong: the view's format and the row's version");
    assert.equal(first.headers['cache-control'], 'no-store');

    const unchanged = await b.inject({ url, headers: { ...mario, 'if-none-match': etag } });
    assert.equal(unchanged.statusCode, 304, 'another replica agrees');
    assert.equal(unchanged.body, '');
    assert.equal(unchanged.headers.etag, etag);
    assert.equal(
      (await a.inject({ url, headers: { ...mario, 'if-none-match': '"other"' } })).statusCode,
      200,
    );

    const luigi = bearer(await h.userToken('luigi'));
    for (const condition of [etag, '*'])
      assert.equal(
        (await a.inject({ url, headers: { ...luigi, 'if-none-match': condition } })).statusCode,
        404,
        "mario's order is not found for luigi, conditional or not",
      );

    await h.db.query("UPDATE orders SET status_detail = 'changed by a script' WHERE id = $1", [order.id]);
    const changed = await b.inject({ url, headers: { ...mario, 'if-none-match': etag } });
    assert.equal(changed.statusCode, 200, 'a change to the order: the whole order again');
    assert.equal(changed.json().statusDetail, 'changed by a script');
    assert.notEqual(changed.headers.etag, etag);
  });

  test('a kept page is served without reading the document while nothing changed', async () => {
    const watch = watched(h.db);
    const cache = createOrderHistoryCache(watch.db, 1_000_000);
    const first = await readJson(cache, { userId: marioId });
    assert.equal(await readJson(cache, { userId: marioId }), first);
    assert.equal(watch.documents, 1);
    const page = await readJson(cache, { userId: marioId, page: 1, pageSize: 1 });
    assert.equal(JSON.parse(page).total, JSON.parse(first).length, 'a page is kept apart');
    assert.equal(await readJson(cache, { userId: marioId, page: 1, pageSize: 1 }), page);
    assert.equal(watch.documents, 2);
    await h.db.query("UPDATE orders SET status_detail = 'again' WHERE user_id = $1", [marioId]);
    assert.match(await readJson(cache, { userId: marioId }), /"statusDetail":"again"/);
    assert.equal(watch.documents, 3);
    assert.equal(await readJson(cache, { userId: 'nobody' }), '[]', 'another user: their own');
  });

  test('concurrent misses share one read, unless their version check saw a change it did not', async () => {
    const watch = watched(h.db);
    const cache = createOrderHistoryCache(watch.db, 1_000_000);
    watch.hold = true;
    const early = [readJson(cache, { userId: marioId }), readJson(cache, { userId: marioId })];
    // The first read (made before the change below) is held; the second reader, its version
    // checked before the change too, has joined it.
    while (watch.versionsChecked < 1 || watch.documentsRead < 1)
      await new Promise((resolve) => setImmediate(resolve));
    // A change commits while the shared read is held; a reader arriving now sees it.
    await h.db.query("UPDATE orders SET status_detail = 'while reading' WHERE user_id = $1", [marioId]);
    const late = readJson(cache, { userId: marioId });
    // Its version check done, it has joined the held read (no document read of its own yet).
    while (watch.versionsChecked < 2) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(watch.documents, 1);
    watch.hold = false;
    watch.release();
    const [one, two] = await Promise.all(early);
    assert.equal(one, two, 'the two early readers shared one read');
    assert.match(await late, /"statusDetail":"while reading"/, 'the late reader got what it knew was there');
    assert.equal(watch.documents, 2);
  });

  test('kept within its size, the least recently used user first; 0 keeps nothing', async () => {
    const watch = watched(h.db);
    const empty = (await readJson(createOrderHistoryCache(h.db, 1), { userId: 'u1' })).length;
    // Room for two users with an empty history and their overheads, not three.
    const cache = createOrderHistoryCache(watch.db, 2 * (512 + 256 + 1 + empty) + 10);
    await readJson(cache, { userId: 'u1' });
    await readJson(cache, { userId: 'u2' });
    await readJson(cache, { userId: 'u1' }); // u1 is now the most recently used
    await readJson(cache, { userId: 'u3' }); // u2 goes
    assert.equal(watch.documents, 3);
    await readJson(cache, { userId: 'u1' });
    await readJson(cache, { userId: 'u3' });
    assert.equal(watch.documents, 3);
    await readJson(cache, { userId: 'u2' });
    assert.equal(watch.documents, 4, 'u2 had been dropped');

    const none = watched(h.db);
    const off = createOrderHistoryCache(none.db, 0);
    await readJson(off, { userId: marioId });
    await readJson(off, { userId: marioId });
    assert.equal(none.documents, 2);
  });

  test('at most four pages of one user are kept: deeper ones are read every time', async () => {
    const watch = watched(h.db);
    const cache = createOrderHistoryCache(watch.db, 1_000_000);
    for (let round = 0; round < 2; round++)
      for (let page = 1; page <= 6; page++) await readJson(cache, { userId: marioId, page, pageSize: 1 });
    assert.equal(watch.documents, 6 + 2);
  });
});
