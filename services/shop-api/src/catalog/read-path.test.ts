/**
 * The catalog's read path across two replicas on one database: products from memory, dropped on
 * every change (NOTIFY) on every replica; availability at most CATALOG_STOCK_MAX_AGE_MS old on every
 * replica, current at once on one that made an admin change; ETag and 304.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, eventually, startHarness, type Harness } from '../testing/harness.ts';
import type { ShopApp } from '../app.ts';

const MAX_AGE_MS = 300;

describe('catalog read path on two replicas', { timeout: 60_000 }, () => {
  let h: Harness;
  let a: ShopApp;
  let b: ShopApp;
  let admin: string;
  before(async () => {
    h = await startHarness({ CATALOG_STOCK_MAX_AGE_MS: String(MAX_AGE_MS) });
    a = h.app;
    b = await h.replica();
    admin = await h.adminToken();
    h.inventory.stock.set(1, { onHand: 40, reserved: 0 });
  });
  after(async () => h?.close());

  const product = async (app: ShopApp, id = 1) => (await app.inject({ url: `/api/products/${id}` })).json();

  test('a product edit on one replica shows on the other within moments (NOTIFY), on its own at once', async () => {
    assert.equal((await product(b)).name, 'Laptop ProBook 15'); // b now holds the catalog in memory
    const edited = await a.inject({
      method: 'PUT',
      url: '/api/products/1',
      headers: bearer(admin),
      payload: { name: 'Laptop ProBook 16' },
    });
    assert.equal(edited.statusCode, 200);
    assert.equal((await product(a)).name, 'Laptop ProBook 16', 'the writing replica reads its write');
    // The notification arrives a few ms after the commit.
    await eventually(async () => (await product(b)).name === 'Laptop ProBook 16', 2000);
    const names = (await b.inject({ url: '/api/products?search=probook' })).json();
    assert.deepEqual(
      names.map((p: { name: string }) => p.name),
      ['Laptop ProBook 16'],
    );
  });

  test('a change written straight to the database (no route) reaches both replicas too', async () => {
    await product(a);
    await product(b);
    await h.db.query("UPDATE products SET description = 'changed by a script' WHERE id = 2");
    for (const app of [a, b])
      await eventually(async () => (await product(app, 2)).description === 'changed by a script', 2000);
  });

  test('a lost listening connection never leaves a replica serving a missed change', async () => {
    const original = (await product(b, 3)).name;
    // Kill every LISTEN connection of this database (both replicas'), then change a product while
    // they reconnect: its notification may be lost, yet nothing stale may be served.
    await h.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
    );
    await h.db.query("UPDATE products SET name = name || ' II' WHERE id = 3");
    await eventually(async () => (await product(b, 3)).name === `${original} II`, 3000);
    assert.equal((await product(a, 3)).name, `${original} II`);
  });

  test('a stock edit shows at once on its replica and within the staleness bound on the other', async () => {
    assert.equal((await product(a)).stock, 40);
    assert.equal((await product(b)).stock, 40); // b's availability is now fresh for MAX_AGE_MS
    const changed = await a.inject({
      method: 'PUT',
      url: '/api/admin/stock/1',
      headers: bearer(admin),
      payload: { onHand: 12 },
    });
    assert.equal(changed.statusCode, 200);
    const edited = Date.now();
    assert.equal((await product(a)).stock, 12, 'the replica that made the change shows it at once');
    // The bound itself: once MAX_AGE_MS has passed since the edit, b must show it.
    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS - (Date.now() - edited) + 5));
    assert.equal((await product(b)).stock, 12, `b lags the edit by more than ${MAX_AGE_MS} ms`);
  });

  test('the cart shows the availability the catalog shows; a sale shows on every replica within the bound', async () => {
    h.inventory.stock.set(5, { onHand: 9, reserved: 0 });
    const mario = await h.userToken('mario');
    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS + 5));
    assert.equal((await product(a, 5)).stock, 9);
    const added = await a.inject({
      method: 'POST',
      url: '/api/cart',
      headers: bearer(mario),
      payload: { productId: 5, quantity: 2 },
    });
    assert.equal(added.statusCode, 200, added.body);
    assert.equal(added.json().cart[0].product.stock, 9, 'the cart shows what the catalog shows');
    const checkout = await a.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { ...bearer(mario), 'idempotency-key': 'read-path-checkout-1' },
      payload: { shippingAddress: ADDRESS, paymentMethod: 'credit-card' },
    });
    assert.equal(checkout.statusCode, 201, checkout.body);
    const sold = Date.now();
    // The bound: once MAX_AGE_MS has passed since the sale, both replicas show it.
    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS - (Date.now() - sold) + 5));
    assert.equal((await product(a, 5)).stock, 7);
    assert.equal((await product(b, 5)).stock, 7);
  });

  test('anonymous answers carry a strong ETag; If-None-Match gets 304 until the catalog changes', async () => {
    const first = await b.inject({ url: '/api/products' });
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[A-Za-z0-9_-]{43}"$/, 'strong, quoted');
    assert.equal(first.headers['cache-control'], 'public, max-age=0');
    // With a bound of whole seconds, a cache may keep it that long and, while it asks again, as long
    // once more (RFC 5861).
    const slower = await h.replica({ CATALOG_STOCK_MAX_AGE_MS: '2500' });
    const kept = await slower.inject({ url: '/api/products' });
    assert.equal(kept.headers['cache-control'], 'public, max-age=2, stale-while-revalidate=2');
    const again = await b.inject({ url: '/api/products', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    await h.db.query("UPDATE products SET name = 'Mechanical Keyboard X' WHERE id = 4");
    const changed = await eventually(async () => {
      const response = await b.inject({ url: '/api/products', headers: { 'if-none-match': etag } });
      return response.statusCode === 200 ? response : undefined;
    }, 2000);
    assert.notEqual(changed!.headers.etag, etag);
    const withToken = await b.inject({ url: '/api/products', headers: bearer(admin) });
    assert.equal(withToken.headers.etag, undefined, 'only anonymous answers are marked cacheable');
  });
});
