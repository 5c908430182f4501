import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, startHarness, type Harness } from './testing/harness.ts';

/**
 * JSON bodies as clients really send them. The original UI puts `Content-Type: application/json`
 * on every call, bodies or not: removing a cart line and deleting a product must work for it.
 * And a body whose value has the wrong type is refused as sent, never converted into a number
 * that then changes stock or prices.
 */
describe('JSON bodies as clients send them', { timeout: 60_000 }, () => {
  let h: Harness;
  let admin: { authorization: string };
  before(async () => {
    h = await startHarness();
    admin = bearer(await h.adminToken());
  });
  after(async () => h?.close());

  const originalUi = (auth: Record<string, string>) => ({ ...auth, 'content-type': 'application/json' });

  test('remove-from-cart as the original UI sends it (JSON content type, empty body) removes the line', async () => {
    const mario = bearer(await h.userToken('mario'));
    const added = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: originalUi(mario),
      payload: JSON.stringify({ productId: 2, quantity: 1 }),
    });
    assert.equal(added.statusCode, 200, added.body);
    const removed = await h.app.inject({
      method: 'DELETE',
      url: '/api/cart/2',
      headers: originalUi(mario),
      payload: '',
    });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(removed.json().cart, []);
  });

  test('delete-product as the original UI sends it (JSON content type, empty body) deletes it', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: admin,
      payload: { name: 'Cable to delete', category: 'accessories', price: 4.5 },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json<{ id: number }>().id;
    const deleted = await h.app.inject({
      method: 'DELETE',
      url: `/api/products/${id}`,
      headers: originalUi(admin),
      payload: '',
    });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal((await h.app.inject({ url: `/api/products/${id}` })).statusCode, 404);
  });

  test('PUT /api/admin/stock/:id with onHand null, "0x10", "16", true or [2] is 400 and stock is unchanged', async () => {
    h.inventory.stock.set(8, { onHand: 12, reserved: 0 });
    for (const onHand of [null, '0x10', '16', true, [2]]) {
      const response = await h.app.inject({
        method: 'PUT',
        url: '/api/admin/stock/8',
        headers: originalUi(admin),
        payload: JSON.stringify({ onHand }),
      });
      assert.equal(response.statusCode, 400, `${JSON.stringify(onHand)}: ${response.body}`);
      assert.equal(response.json().code, 'KIT_VALIDATION_FAILED');
      assert.equal(h.inventory.stock.get(8)!.onHand, 12, `${JSON.stringify(onHand)} changed the stock`);
    }
  });

  test('a product price or stock of the wrong JSON type is 400 and the product is unchanged', async () => {
    const before = (await h.app.inject({ url: '/api/products/3' })).json();
    for (const payload of [
      { price: '12.5' },
      { price: null },
      { stock: '7' },
      { stock: [7] },
      { price: true },
    ]) {
      const response = await h.app.inject({
        method: 'PUT',
        url: '/api/products/3',
        headers: admin,
        payload,
      });
      assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
    }
    assert.deepEqual((await h.app.inject({ url: '/api/products/3' })).json(), before);
  });

  test('a cart quantity sent as a string is 400; path ids and query numbers are still read from text', async () => {
    const luigi = bearer(await h.userToken('luigi'));
    const refused = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: luigi,
      payload: { productId: '1', quantity: '2' },
    });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.deepEqual((await h.app.inject({ url: '/api/cart', headers: luigi })).json(), []);
    const page = await h.app.inject({ url: '/api/products?page=1&pageSize=2' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.json().items.length, 2);
  });
});
