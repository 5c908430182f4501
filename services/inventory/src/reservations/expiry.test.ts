import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';
import { releaseExpiredHolds, startExpirySweeper } from './expire-holds.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const reserve = (orderId: string, productId: number, quantity: number, ttlSeconds = 60) =>
  h.app.inject({
    method: 'POST',
    url: '/api/inventory/reservations',
    headers: h.shop,
    payload: { orderId, items: [{ productId, quantity }], ttlSeconds },
  });
const reservedOf = async (productId: number) =>
  (await h.db.query<{ reserved: number }>('SELECT reserved FROM stock WHERE product_id = $1', [productId]))
    .rows[0]?.reserved;

test('the sweeper releases holds past their expiry and leaves live ones', { timeout: 30_000 }, async () => {
  await h.app.inject({
    method: 'PUT',
    url: '/api/inventory/stock/601',
    headers: h.shop,
    payload: { onHand: 10 },
  });
  assert.equal((await reserve('short-hold', 601, 2, 10)).statusCode, 201);
  assert.equal((await reserve('long-hold', 601, 3, 3600)).statusCode, 201);
  assert.equal(await reservedOf(601), 5);

  // The clock is moved, not waited for: "now" is one minute ahead.
  const released = await releaseExpiredHolds(h.db, new Date(Date.now() + 60_000));
  assert.equal(released, 1);
  assert.equal(await reservedOf(601), 3);
  const res = await h.app.inject({
    method: 'GET',
    url: '/api/inventory/reservations/short-hold',
    headers: h.shop,
  });
  assert.equal(res.json().status, 'expired');
  assert.equal(await releaseExpiredHolds(h.db, new Date(Date.now() + 60_000)), 0);
  assert.equal(await reservedOf(601), 3, 'a second sweep changes nothing');
});

test(
  'a hold past its expiry cannot be committed even before the sweeper runs',
  { timeout: 30_000 },
  async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/inventory/stock/602',
      headers: h.shop,
      payload: { onHand: 5 },
    });
    assert.equal((await reserve('stale', 602, 2, 10)).statusCode, 201);
    await h.db.query(
      "UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = 'stale'",
    );
    const lookup = await h.app.inject({
      method: 'GET',
      url: '/api/inventory/reservations/stale',
      headers: h.shop,
    });
    assert.equal(lookup.json().status, 'expired');
    const commit = await h.app.inject({
      method: 'POST',
      url: '/api/inventory/reservations/stale/commit',
      headers: h.shop,
    });
    assert.equal(commit.statusCode, 409);
    assert.equal(commit.json().code, 'INV_RESERVATION_EXPIRED');
    assert.equal(await reservedOf(602), 0, 'the expired hold was given back');
    assert.equal(await releaseExpiredHolds(h.db), 0);
  },
);

test('the timed sweeper runs on its interval until stopped', { timeout: 30_000 }, async () => {
  await h.app.inject({
    method: 'PUT',
    url: '/api/inventory/stock/603',
    headers: h.shop,
    payload: { onHand: 5 },
  });
  assert.equal((await reserve('timed', 603, 1, 10)).statusCode, 201);
  await h.db.query(
    "UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = 'timed'",
  );
  const sweeper = startExpirySweeper({ db: h.db, intervalMs: 100, logger: h.app.log });
  try {
    const deadline = Date.now() + 10_000;
    while ((await reservedOf(603)) !== 0) {
      assert.ok(Date.now() < deadline, 'sweeper did not release the hold in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await sweeper.stop();
  }
});
