import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';
import { commitReservation } from './commit-reservation.ts';
import type { Database } from '@mockmart/service-kit/db';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const PRODUCT = 701;
let seq = 0;
const newOrderId = () => `state-${process.pid}-${++seq}`;

const call = (
  orderId: string,
  action: 'commit' | 'release' | 'reverse',
  headers: Record<string, string> = {},
) =>
  h.app.inject({
    method: 'POST',
    url: `/api/inventory/reservations/${orderId}/${action}`,
    headers: { ...h.shop, ...headers },
  });
const stock = async () =>
  (
    await h.db.query<{ on_hand: number; reserved: number }>(
      'SELECT on_hand, reserved FROM stock WHERE product_id = $1',
      [PRODUCT],
    )
  ).rows[0]!;
async function held(quantity = 2) {
  const orderId = newOrderId();
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/inventory/reservations',
    headers: h.shop,
    payload: { orderId, items: [{ productId: PRODUCT, quantity }] },
  });
  assert.equal(res.statusCode, 201);
  return orderId;
}

describe('commit, release and reverse report the reservation as it really is', { timeout: 30_000 }, () => {
  before(async () => {
    const res = await h.app.inject({
      method: 'PUT',
      url: `/api/inventory/stock/${PRODUCT}`,
      headers: h.shop,
      payload: { onHand: 20 },
    });
    assert.equal(res.statusCode, 200);
  });

  test("a hold that becomes visible between the commit's two looks is committed, never answered as it was", async () => {
    const orderId = newOrderId();
    const start = await stock();
    let looked = false;
    // The commit's first statement finds no live hold; the hold commits right after it answered.
    const racing: Database = Object.assign(Object.create(h.db) as Database, {
      query: (async (...args: Parameters<Database['query']>) => {
        const result = await h.db.query(...args);
        if (!looked) {
          looked = true;
          const reserved = await h.app.inject({
            method: 'POST',
            url: '/api/inventory/reservations',
            headers: h.shop,
            payload: { orderId, items: [{ productId: PRODUCT, quantity: 2 }] },
          });
          assert.equal(reserved.statusCode, 201);
        }
        return result;
      }) as Database['query'],
    });
    const committed = await commitReservation(racing, orderId);
    assert.equal(committed.status, 'committed');
    assert.deepEqual(await stock(), { on_hand: start.on_hand - 2, reserved: start.reserved });
  });

  test('commit is idempotent: a second commit answers the committed reservation and takes nothing more', async () => {
    const orderId = await held();
    const before = await stock();
    assert.equal((await call(orderId, 'commit')).json().status, 'committed');
    const again = await call(orderId, 'commit');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().status, 'committed');
    assert.deepEqual(await stock(), { on_hand: before.on_hand - 2, reserved: before.reserved - 2 });
  });

  test('releasing a committed reservation is refused with status committed, never "ok", and gives nothing back', async () => {
    const orderId = await held();
    await call(orderId, 'commit');
    const before = await stock();
    const res = await call(orderId, 'release');
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INV_RESERVATION_COMMITTED');
    assert.equal(res.json().reservationStatus, 'committed');
    assert.deepEqual(await stock(), before);
  });

  test('committing a released reservation is refused with status released', async () => {
    const orderId = await held();
    assert.equal((await call(orderId, 'release')).json().status, 'released');
    const res = await call(orderId, 'commit');
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INV_RESERVATION_RELEASED');
    assert.equal(res.json().reservationStatus, 'released');
  });

  test('reverse puts a committed sale back on the shelf once, however often it is sent', async () => {
    const orderId = await held(3);
    const start = await stock();
    await call(orderId, 'commit');
    assert.equal((await stock()).on_hand, start.on_hand - 3);
    const first = await call(orderId, 'reverse');
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().status, 'reversed');
    const again = await call(orderId, 'reverse');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().status, 'reversed');
    assert.deepEqual(await stock(), { on_hand: start.on_hand, reserved: start.reserved - 3 });

    // A reversed sale cannot be committed again; a release finds nothing to give back.
    const commit = await call(orderId, 'commit');
    assert.equal(commit.statusCode, 409);
    assert.equal(commit.json().code, 'INV_RESERVATION_REVERSED');
    assert.equal(commit.json().reservationStatus, 'reversed');
    const release = await call(orderId, 'release');
    assert.equal(release.statusCode, 200);
    assert.equal(release.json().status, 'reversed');
    assert.deepEqual(await stock(), { on_hand: start.on_hand, reserved: start.reserved - 3 });
  });

  test('reverse of a hold (or a released one) is 409 INV_RESERVATION_NOT_COMMITTED with its status, nothing moves', async () => {
    const orderId = await held();
    const before = await stock();
    const res = await call(orderId, 'reverse');
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INV_RESERVATION_NOT_COMMITTED');
    assert.equal(res.json().reservationStatus, 'held');
    assert.deepEqual(await stock(), before);
    await call(orderId, 'release');
    assert.equal((await call(orderId, 'reverse')).json().reservationStatus, 'released');
    assert.equal((await call('never-reserved', 'reverse')).statusCode, 404);
  });
});

describe("the caller's deadline", { timeout: 30_000 }, () => {
  const setFault = (payload: object) =>
    h.app.inject({ method: 'PUT', url: '/api/faults', headers: h.shop, payload });

  test('a commit arriving after its deadline is not started: 504 INV_DEADLINE_EXCEEDED, the hold stays', async () => {
    const orderId = await held();
    const before = await stock();
    const res = await call(orderId, 'commit', { 'x-request-deadline': String(Date.now() - 1) });
    assert.equal(res.statusCode, 504);
    assert.equal(res.json().code, 'INV_DEADLINE_EXCEEDED');
    assert.deepEqual(await stock(), before);
    const lookup = await h.app.inject({
      method: 'GET',
      url: `/api/inventory/reservations/${orderId}`,
      headers: h.shop,
    });
    assert.equal(lookup.json().status, 'held');
  });

  test('a commit held up (slow) beyond its attempt budget is not started; within it, it commits', async () => {
    const orderId = await held();
    await setFault({ mode: 'slow', delayMs: 300, remaining: 1 });
    const late = await call(orderId, 'commit', { 'x-request-timeout-ms': '200' });
    assert.equal(late.statusCode, 504);
    const lookup = await h.app.inject({
      method: 'GET',
      url: `/api/inventory/reservations/${orderId}`,
      headers: h.shop,
    });
    assert.equal(lookup.json().status, 'held');

    const inTime = await call(orderId, 'commit', {
      'x-request-timeout-ms': '5000',
      'x-request-deadline': String(Date.now() + 5000),
    });
    assert.equal(inTime.statusCode, 200);
    assert.equal(inTime.json().status, 'committed');
  });
});
