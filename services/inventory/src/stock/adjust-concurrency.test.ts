import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';

/**
 * The original system's lost update: an admin reads the stock, sales happen, the admin writes the
 * figure back and the sales are undone. With `expectedOnHand` the write only lands on the figure it
 * was computed from. Runs on the local PostgreSQL when it answers (real row locks, a real pool).
 */
let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const put = (productId: number, payload: object) =>
  h.app.inject({ method: 'PUT', url: `/api/inventory/stock/${productId}`, headers: h.shop, payload });
const read = async (productId: number) =>
  (await h.app.inject({ url: `/api/inventory/stock?productIds=${productId}`, headers: h.shop })).json()
    .items[0];
const sell = async (productId: number, orderId: string) => {
  const hold = await h.app.inject({
    method: 'POST',
    url: '/api/inventory/reservations',
    headers: h.shop,
    payload: { orderId, items: [{ productId, quantity: 1 }] },
  });
  assert.equal(hold.statusCode, 201);
  const commit = await h.app.inject({
    method: 'POST',
    url: `/api/inventory/reservations/${orderId}/commit`,
    headers: h.shop,
  });
  assert.equal(commit.statusCode, 200);
};

describe('admin stock adjustments never lose concurrent sales', { timeout: 60_000 }, () => {
  test('an adjustment computed from a figure a sale has since changed is 409 INV_STOCK_CHANGED and changes nothing', async () => {
    assert.equal((await put(601, { onHand: 100 })).statusCode, 200);
    const seen = (await read(601)).onHand;
    await sell(601, 'lost-update-1');
    const res = await put(601, { onHand: seen + 10, expectedOnHand: seen });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INV_STOCK_CHANGED');
    assert.equal(res.json().onHand, 99, 'the problem carries the current figure to retry from');
    assert.equal((await read(601)).onHand, 99, 'the sale is kept');

    const retried = await put(601, { onHand: 99 + 10, expectedOnHand: 99 });
    assert.equal(retried.statusCode, 200);
    assert.equal(retried.json().onHand, 109);
    // Replayed, it does not apply twice: the figure it expects is gone.
    assert.equal((await put(601, { onHand: 109, expectedOnHand: 99 })).statusCode, 409);
    assert.equal((await read(601)).onHand, 109);
  });

  test('10 admins adding 5 units each by read-then-write, racing 20 sales, end exactly at 100 + 50 - 20', async () => {
    assert.equal((await put(602, { onHand: 100 })).statusCode, 200);
    let refusals = 0;
    const addFive = async () => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const { onHand } = await read(602);
        const res = await put(602, { onHand: onHand + 5, expectedOnHand: onHand });
        if (res.statusCode === 200) return;
        assert.equal(res.json().code, 'INV_STOCK_CHANGED');
        refusals++;
      }
      assert.fail('an admin never got its adjustment in');
    };
    await Promise.all([
      ...Array.from({ length: 10 }, addFive),
      ...Array.from({ length: 20 }, (_, i) => sell(602, `race-sale-${i}`)),
    ]);
    assert.deepEqual(await read(602), { productId: 602, onHand: 130, reserved: 0, available: 130 });
    assert.ok(refusals > 0, 'the writers did collide (otherwise this test proves nothing)');
  });

  test('expectedOnHand 0 creates the row of a product inventory does not know yet, once', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => put(603, { onHand: 10 + i, expectedOnHand: 0 })),
    );
    assert.equal(results.filter((r) => r.statusCode === 200).length, 1);
    assert.ok(
      results.filter((r) => r.statusCode !== 200).every((r) => r.json().code === 'INV_STOCK_CHANGED'),
    );
  });

  test('a guarded adjustment below the units held is still 409 INV_STOCK_BELOW_RESERVED', async () => {
    assert.equal((await put(604, { onHand: 5 })).statusCode, 200);
    const hold = await h.app.inject({
      method: 'POST',
      url: '/api/inventory/reservations',
      headers: h.shop,
      payload: { orderId: 'below-held-604', items: [{ productId: 604, quantity: 4 }] },
    });
    assert.equal(hold.statusCode, 201);
    const res = await put(604, { onHand: 3, expectedOnHand: 5 });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INV_STOCK_BELOW_RESERVED');
  });
});
