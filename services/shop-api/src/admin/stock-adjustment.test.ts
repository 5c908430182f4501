import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, startHarness, type Harness } from '../testing/harness.ts';

/**
 * shop-api's side of the guarded stock adjustment: it forwards the figure the admin read, relays
 * inventory's refusal, and undoes the product edit that came with a refused stock change. The
 * compare-and-set itself is proven on PostgreSQL in services/inventory (adjust-concurrency.test.ts).
 */
describe('admin stock adjustments carry the figure the admin read', { timeout: 60_000 }, () => {
  let h: Harness;
  let admin: { authorization: string };
  before(async () => {
    h = await startHarness();
    admin = bearer(await h.adminToken());
  });
  after(async () => h?.close());

  const put = (url: string, payload: object) => h.app.inject({ method: 'PUT', url, headers: admin, payload });

  test('PUT /api/admin/stock/:id with a stale expectedOnHand is 409 INV_STOCK_CHANGED; a fresh one applies', async () => {
    h.inventory.stock.set(3, { onHand: 97, reserved: 0 }); // three units sold since the admin read 100
    const stale = await put('/api/admin/stock/3', { onHand: 110, expectedOnHand: 100 });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().code, 'INV_STOCK_CHANGED');
    assert.equal(stale.json().onHand, 97);
    assert.equal(h.inventory.stock.get(3)!.onHand, 97, 'the sales are kept');

    const fresh = await put('/api/admin/stock/3', { onHand: 107, expectedOnHand: 97 });
    assert.equal(fresh.statusCode, 200);
    assert.equal(h.inventory.stock.get(3)!.onHand, 107);
  });

  test('PUT /api/admin/stock/:id with only onHand still works (existing clients)', async () => {
    assert.equal((await put('/api/admin/stock/4', { onHand: 60 })).statusCode, 200);
    assert.equal(h.inventory.stock.get(4)!.onHand, 60);
  });

  test('a product edit whose stock figure is stale is 409 SHOP_STOCK_CHANGED and changes nothing', async () => {
    h.inventory.stock.set(5, { onHand: 95, reserved: 0 });
    const before = (await h.app.inject({ url: '/api/products/5' })).json();
    const res = await put('/api/products/5', { price: 1.5, stock: 120, expectedStock: 100 });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'SHOP_STOCK_CHANGED');
    assert.equal(res.json().onHand, 95);
    assert.equal(h.inventory.stock.get(5)!.onHand, 95);
    assert.equal((await h.app.inject({ url: '/api/products/5' })).json().priceMinor, before.priceMinor);

    const applied = await put('/api/products/5', { price: 1.5, stock: 120, expectedStock: 95 });
    assert.equal(applied.statusCode, 200);
    assert.equal(applied.json().priceMinor, 150);
    assert.equal(h.inventory.stock.get(5)!.onHand, 120);
  });

  test('expectedStock without stock is 400', async () => {
    assert.equal((await put('/api/products/6', { expectedStock: 100 })).statusCode, 400);
  });
});
