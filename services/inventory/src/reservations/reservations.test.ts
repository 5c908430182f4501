import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

let seq = 0;
const newOrderId = () => `order-${process.pid}-${++seq}`;

async function stockOf(productId: number) {
  const res = await h.app.inject({
    method: 'GET',
    url: `/api/inventory/stock?productIds=${productId}`,
    headers: h.shop,
  });
  return res.json().items[0] as { onHand: number; reserved: number; available: number };
}

async function reserve(body: unknown) {
  return h.app.inject({
    method: 'POST',
    url: '/api/inventory/reservations',
    headers: h.shop,
    payload: body as object,
  });
}

describe('reservations', { timeout: 30_000 }, () => {
  test('holds stock and answers 201 with the reservation', async () => {
    const before = await stockOf(2);
    const orderId = newOrderId();
    const res = await reserve({ orderId, items: [{ productId: 2, quantity: 3 }] });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.equal(body.orderId, orderId);
    assert.equal(body.status, 'held');
    assert.deepEqual(body.items, [{ productId: 2, quantity: 3 }]);
    assert.ok(Date.parse(body.expiresAt) > Date.now());
    const after = await stockOf(2);
    assert.equal(after.reserved, before.reserved + 3);
    assert.equal(after.available, before.available - 3);
    assert.equal(after.onHand, before.onHand);
  });

  test('replaying the same order and items answers 200 with the same reservation and holds nothing more', async () => {
    const orderId = newOrderId();
    const first = await reserve({
      orderId,
      items: [
        { productId: 3, quantity: 1 },
        { productId: 4, quantity: 2 },
      ],
    });
    assert.equal(first.statusCode, 201);
    const before = await stockOf(3);
    // Same items in another order: still the same reservation.
    const replay = await reserve({
      orderId,
      items: [
        { productId: 4, quantity: 2 },
        { productId: 3, quantity: 1 },
      ],
    });
    assert.equal(replay.statusCode, 200);
    assert.deepEqual(replay.json(), first.json());
    assert.deepEqual(await stockOf(3), before);
  });

  test('the same order with different items is 409 INV_RESERVATION_CONFLICT', async () => {
    const orderId = newOrderId();
    assert.equal((await reserve({ orderId, items: [{ productId: 5, quantity: 1 }] })).statusCode, 201);
    const res = await reserve({ orderId, items: [{ productId: 5, quantity: 2 }] });
    assert.equal(res.statusCode, 409);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.json().code, 'INV_RESERVATION_CONFLICT');
  });

  test('short stock is 409 INV_INSUFFICIENT_STOCK listing what is missing, and nothing is held', async () => {
    const before1 = await stockOf(1);
    const before8 = await stockOf(8);
    const orderId = newOrderId();
    const res = await reserve({
      orderId,
      items: [
        { productId: 1, quantity: 1 },
        { productId: 8, quantity: before8.available + 1 },
      ],
    });
    assert.equal(res.statusCode, 409);
    const problem = res.json();
    assert.equal(problem.code, 'INV_INSUFFICIENT_STOCK');
    assert.deepEqual(problem.unavailable, [
      { productId: 8, requested: before8.available + 1, available: before8.available },
    ]);
    assert.deepEqual(await stockOf(1), before1);
    assert.deepEqual(await stockOf(8), before8);
    const lookup = await h.app.inject({
      method: 'GET',
      url: `/api/inventory/reservations/${orderId}`,
      headers: h.shop,
    });
    assert.equal(lookup.statusCode, 404);
  });

  test('an unknown product is reported unavailable', async () => {
    const res = await reserve({ orderId: newOrderId(), items: [{ productId: 9999, quantity: 1 }] });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json().unavailable, [{ productId: 9999, requested: 1, available: 0 }]);
  });

  test('a product listed twice is 400 INV_DUPLICATE_PRODUCT', async () => {
    const res = await reserve({
      orderId: newOrderId(),
      items: [
        { productId: 2, quantity: 1 },
        { productId: 2, quantity: 1 },
      ],
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'INV_DUPLICATE_PRODUCT');
  });

  test('commit takes the units off the shelf and is idempotent', async () => {
    const orderId = newOrderId();
    const before = await stockOf(7);
    await reserve({ orderId, items: [{ productId: 7, quantity: 4 }] });
    const commit = () =>
      h.app.inject({ method: 'POST', url: `/api/inventory/reservations/${orderId}/commit`, headers: h.shop });
    const first = await commit();
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().status, 'committed');
    const second = await commit();
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().status, 'committed');
    const after = await stockOf(7);
    assert.equal(after.onHand, before.onHand - 4);
    assert.equal(after.reserved, before.reserved);
  });

  test('release gives the units back, is idempotent, and then commit is 409 INV_RESERVATION_RELEASED', async () => {
    const orderId = newOrderId();
    const before = await stockOf(9);
    await reserve({ orderId, items: [{ productId: 9, quantity: 5 }] });
    const release = () =>
      h.app.inject({
        method: 'POST',
        url: `/api/inventory/reservations/${orderId}/release`,
        headers: h.shop,
      });
    assert.equal((await release()).json().status, 'released');
    assert.equal((await release()).statusCode, 200);
    assert.deepEqual(await stockOf(9), before);
    const commit = await h.app.inject({
      method: 'POST',
      url: `/api/inventory/reservations/${orderId}/commit`,
      headers: h.shop,
    });
    assert.equal(commit.statusCode, 409);
    assert.equal(commit.json().code, 'INV_RESERVATION_RELEASED');
  });

  test('releasing a committed reservation is 409 INV_RESERVATION_COMMITTED', async () => {
    const orderId = newOrderId();
    await reserve({ orderId, items: [{ productId: 10, quantity: 1 }] });
    await h.app.inject({
      method: 'POST',
      url: `/api/inventory/reservations/${orderId}/commit`,
      headers: h.shop,
    });
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/inventory/reservations/${orderId}/release`,
      headers: h.shop,
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INV_RESERVATION_COMMITTED');
  });

  test('releasing an unknown order is a 200 no-op, and a late reserve for it never holds stock', async () => {
    const orderId = newOrderId();
    const before = await stockOf(6);
    const release = await h.app.inject({
      method: 'POST',
      url: `/api/inventory/reservations/${orderId}/release`,
      headers: h.shop,
    });
    assert.equal(release.statusCode, 200);
    assert.equal(release.json().status, 'released');
    assert.deepEqual(release.json().items, []);
    const late = await reserve({ orderId, items: [{ productId: 6, quantity: 1 }] });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().code, 'INV_RESERVATION_RELEASED');
    assert.deepEqual(await stockOf(6), before);
  });

  test('commit of an unknown order is 404 INV_RESERVATION_NOT_FOUND', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/inventory/reservations/${newOrderId()}/commit`,
      headers: h.shop,
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'INV_RESERVATION_NOT_FOUND');
  });

  test('GET answers the reservation with its items', async () => {
    const orderId = newOrderId();
    await reserve({ orderId, items: [{ productId: 2, quantity: 1 }] });
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/inventory/reservations/${orderId}`,
      headers: h.shop,
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'held');
    assert.deepEqual(res.json().items, [{ productId: 2, quantity: 1 }]);
  });
});

describe('reservation input', { timeout: 30_000 }, () => {
  const bad: Array<[string, unknown]> = [
    ['a negative quantity', { orderId: 'o-neg', items: [{ productId: 1, quantity: -1 }] }],
    ['a zero quantity', { orderId: 'o-zero', items: [{ productId: 1, quantity: 0 }] }],
    ['a fractional quantity', { orderId: 'o-frac', items: [{ productId: 1, quantity: 1.5 }] }],
    [
      'an unknown top-level field',
      { orderId: 'o-extra', items: [{ productId: 1, quantity: 1 }], status: 'committed' },
    ],
    ['an unknown item field', { orderId: 'o-extra2', items: [{ productId: 1, quantity: 1, price: 0 }] }],
    ['no items', { orderId: 'o-empty', items: [] }],
    [
      'more than 100 items',
      {
        orderId: 'o-huge',
        items: Array.from({ length: 101 }, (_, i) => ({ productId: i + 1, quantity: 1 })),
      },
    ],
    ['an order id with a slash', { orderId: 'a/b', items: [{ productId: 1, quantity: 1 }] }],
    ['a ttl below 10 seconds', { orderId: 'o-ttl', items: [{ productId: 1, quantity: 1 }], ttlSeconds: 1 }],
  ];
  for (const [what, body] of bad) {
    test(`${what} is 400 KIT_VALIDATION_FAILED and holds nothing`, async () => {
      const before = await stockOf(1);
      const res = await reserve(body);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
      assert.deepEqual(await stockOf(1), before);
      const { rows } = await h.db.query(
        'SELECT count(*)::int AS n FROM reservations WHERE order_id LIKE $1',
        ['o-%'],
      );
      assert.equal(rows[0]?.n, 0);
    });
  }
});
