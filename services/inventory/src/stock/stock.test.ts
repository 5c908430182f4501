import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('stock is seeded with the catalogue figures for products 1-10', { timeout: 30_000 }, async () => {
  const res = await h.app.inject({ method: 'GET', url: '/api/inventory/stock', headers: h.shop });
  assert.equal(res.statusCode, 200);
  const onHand = Object.fromEntries(
    res.json().items.map((i: { productId: number; onHand: number }) => [i.productId, i.onHand]),
  );
  assert.deepEqual(onHand, { 1: 15, 2: 50, 3: 25, 4: 30, 5: 20, 6: 18, 7: 40, 8: 12, 9: 45, 10: 100 });
});

test('productIds selects products and leaves unknown ids out', { timeout: 30_000 }, async () => {
  const res = await h.app.inject({
    method: 'GET',
    url: '/api/inventory/stock?productIds=2,1,2,4242',
    headers: h.shop,
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json().items, [
    { productId: 1, onHand: 15, reserved: 0, available: 15 },
    { productId: 2, onHand: 50, reserved: 0, available: 50 },
  ]);
});

for (const query of [
  'productIds=abc',
  'productIds=1,,2',
  'productIds=-1',
  'productIds=0',
  // Past PostgreSQL's integer range: was a 500 (the database refused the `int[]` cast).
  'productIds=2147483648',
  'productIds=1,9999999999',
  // A NUL byte: was a 500 too.
  'productIds=1%00',
  'other=1',
  `productIds=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`,
]) {
  test(`a bad query (${query.slice(0, 30)}) is 400`, { timeout: 30_000 }, async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/inventory/stock?${query}`, headers: h.shop });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
  });
}

test(
  'an admin adjustment sets on-hand stock and creates a new product row',
  { timeout: 30_000 },
  async () => {
    const res = await h.app.inject({
      method: 'PUT',
      url: '/api/inventory/stock/11',
      headers: h.shop,
      payload: { onHand: 7 },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { productId: 11, onHand: 7, reserved: 0, available: 7 });
    const again = await h.app.inject({
      method: 'PUT',
      url: '/api/inventory/stock/11',
      headers: h.shop,
      payload: { onHand: 9 },
    });
    assert.equal(again.json().onHand, 9);
  },
);

test(
  'on-hand stock cannot be set below the units held: 409 INV_STOCK_BELOW_RESERVED, nothing changed',
  { timeout: 30_000 },
  async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/inventory/stock/12',
      headers: h.shop,
      payload: { onHand: 5 },
    });
    const hold = await h.app.inject({
      method: 'POST',
      url: '/api/inventory/reservations',
      headers: h.shop,
      payload: { orderId: 'adjust-1', items: [{ productId: 12, quantity: 4 }] },
    });
    assert.equal(hold.statusCode, 201);
    const res = await h.app.inject({
      method: 'PUT',
      url: '/api/inventory/stock/12',
      headers: h.shop,
      payload: { onHand: 3 },
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INV_STOCK_BELOW_RESERVED');
    const read = await h.app.inject({
      method: 'GET',
      url: '/api/inventory/stock?productIds=12',
      headers: h.shop,
    });
    assert.deepEqual(read.json().items[0], { productId: 12, onHand: 5, reserved: 4, available: 1 });
  },
);

for (const [what, payload] of [
  ['a negative onHand', { onHand: -1 }],
  ['a string onHand', { onHand: 'many' }],
  ['an extra field', { onHand: 3, reserved: 0 }],
  ['no onHand', {}],
] as const) {
  test(`an adjustment with ${what} is 400 and changes nothing`, { timeout: 30_000 }, async () => {
    const res = await h.app.inject({
      method: 'PUT',
      url: '/api/inventory/stock/3',
      headers: h.shop,
      payload,
    });
    assert.equal(res.statusCode, 400);
    const read = await h.app.inject({
      method: 'GET',
      url: '/api/inventory/stock?productIds=3',
      headers: h.shop,
    });
    assert.equal(read.json().items[0].onHand, 25);
  });
}
