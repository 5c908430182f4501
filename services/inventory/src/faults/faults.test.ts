import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const setFault = (payload: object) =>
  h.app.inject({ method: 'PUT', url: '/api/faults', headers: h.shop, payload });
const reserve = (orderId: string) =>
  h.app.inject({
    method: 'POST',
    url: '/api/inventory/reservations',
    headers: h.shop,
    payload: { orderId, items: [{ productId: 1, quantity: 1 }] },
  });

describe('inventory fault switch', { timeout: 30_000 }, () => {
  beforeEach(async () => {
    await setFault({ mode: 'none' });
  });

  test('out-of-stock refuses the next reservations with INV_INSUFFICIENT_STOCK and holds nothing', async () => {
    const set = await setFault({ mode: 'out-of-stock', remaining: 1 });
    assert.equal(set.statusCode, 200);
    assert.equal(set.json().mode, 'out-of-stock');
    assert.equal(set.json().updatedBy, 'shop-api');
    const refused = await reserve('fault-oos-1');
    assert.equal(refused.statusCode, 409);
    assert.deepEqual(refused.json().unavailable, [{ productId: 1, requested: 1, available: 0 }]);
    const { rows } = await h.db.query<{ reserved: number }>(
      'SELECT reserved FROM stock WHERE product_id = 1',
    );
    assert.equal(rows[0]?.reserved, 0);
    // `remaining: 1` applied once, then the switch reads as off.
    assert.equal((await reserve('fault-oos-2')).statusCode, 201);
    const state = await h.app.inject({ method: 'GET', url: '/api/faults', headers: h.shop });
    assert.equal(state.json().mode, 'none');
  });

  test('slow delays calls by delayMs (stock reads too when it includes reads)', async () => {
    await setFault({ mode: 'slow', delayMs: 300, includeReads: true });
    const started = performance.now();
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/inventory/stock?productIds=1',
      headers: h.shop,
    });
    assert.equal(res.statusCode, 200);
    assert.ok(performance.now() - started >= 290, 'the call was not delayed');
  });

  test('"the next N calls" are reservations: stock reads (the catalog) pass untouched and spend none', async () => {
    await setFault({ mode: 'slow', delayMs: 300, remaining: 1 });
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const read = await h.app.inject({
        method: 'GET',
        url: '/api/inventory/stock?productIds=1',
        headers: h.shop,
      });
      assert.equal(read.statusCode, 200);
      assert.ok(performance.now() - started < 250, 'a stock read was delayed');
    }
    const started = performance.now();
    assert.equal((await reserve('fault-slow-1')).statusCode, 201);
    assert.ok(performance.now() - started >= 290, 'the reservation was not delayed');
    const state = await h.app.inject({ method: 'GET', url: '/api/faults', headers: h.shop });
    assert.equal(state.json().mode, 'none');
  });

  test('a mode of another service, or an unknown field, is 400 and changes nothing', async () => {
    for (const payload of [
      { mode: 'decline' },
      { mode: 'slow', delayMs: 999_999 },
      { mode: 'slow', extra: 1 },
    ]) {
      const res = await setFault(payload);
      assert.equal(res.statusCode, 400);
    }
    const state = await h.app.inject({ method: 'GET', url: '/api/faults', headers: h.shop });
    assert.equal(state.json().mode, 'none');
  });
});
