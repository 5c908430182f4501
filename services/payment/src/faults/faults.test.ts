import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
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
/** A charge request with this key (a new one unless given), for this order and payment method. */
const chargeWith = (
  key: string,
  orderId = `order-${randomUUID()}`,
  paymentMethod = 'credit-card',
  userId = 'u',
) =>
  h.app.inject({
    method: 'POST',
    url: '/api/payments/charges',
    headers: { ...h.shop, 'idempotency-key': key },
    payload: { orderId, amount: 1_000, currency: 'EUR', paymentMethod, customer: { userId } },
  });
const charge = (orderId = `order-${randomUUID()}`, userId = 'u') =>
  chargeWith(randomUUID(), orderId, 'credit-card', userId);
const count = async (orderId: string) =>
  (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM charges WHERE order_id = $1', [orderId]))
    .rows[0]?.n;

describe('payment fault switch', { timeout: 30_000 }, () => {
  beforeEach(async () => {
    await setFault({ mode: 'none' });
  });

  test('decline declines the next charge with simulated_decline, then charges go through', async () => {
    await setFault({ mode: 'decline', remaining: 1 });
    const declined = await charge();
    assert.equal(declined.statusCode, 402);
    assert.equal(declined.json().reason, 'simulated_decline');
    assert.equal((await charge()).statusCode, 201);
  });

  test("a decline aimed at a user declines only that user's charges", async () => {
    await setFault({ mode: 'decline', remaining: 1, userIds: ['luigi'] });
    assert.equal((await charge(undefined, 'mario')).statusCode, 201);
    const declined = await charge(undefined, 'luigi');
    assert.equal(declined.statusCode, 402);
    assert.equal(declined.json().reason, 'simulated_decline');
    assert.equal((await charge(undefined, 'luigi')).statusCode, 201, 'remaining: 1 was spent by luigi alone');
  });

  test('decline is spent only by a charge that is made: a replay, a voided key or a paid order keep it', async () => {
    const paidOrder = `order-${randomUUID()}`;
    const paidKey = randomUUID();
    assert.equal((await chargeWith(paidKey, paidOrder)).statusCode, 201);
    const voidedKey = randomUUID();
    await h.app.inject({
      method: 'POST',
      url: '/api/payments/charges/void',
      headers: { ...h.shop, 'idempotency-key': voidedKey },
      payload: { orderId: paidOrder },
    });

    await setFault({ mode: 'decline', remaining: 1 });
    assert.equal((await chargeWith(paidKey, paidOrder)).statusCode, 201, 'a replay');
    assert.equal((await chargeWith(voidedKey, paidOrder)).statusCode, 409, 'a voided key');
    assert.equal((await chargeWith(randomUUID(), paidOrder)).statusCode, 409, 'a paid order');
    const declined = await charge();
    assert.equal(declined.statusCode, 402);
    assert.equal(declined.json().reason, 'simulated_decline');
    assert.equal((await charge()).statusCode, 201);
  });

  test('concurrent charges with one key while decline is on make one charge and spend it once', async () => {
    await setFault({ mode: 'decline', remaining: 2 });
    const orderId = `order-${randomUUID()}`;
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => chargeWith(key, orderId, 'paypal')));
    assert.deepEqual(new Set(answers.map((a) => a.statusCode)), new Set([402]));
    assert.equal(new Set(answers.map((a) => a.json().chargeId)).size, 1);
    assert.equal(await count(orderId), 1);
    const state = (await h.app.inject({ method: 'GET', url: '/api/faults', headers: h.shop })).json();
    assert.equal(state.remaining, 1);
  });

  test('down answers 503 with Retry-After and books nothing', async () => {
    await setFault({ mode: 'down' });
    const orderId = `order-${randomUUID()}`;
    const res = await charge(orderId);
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(res.json().code, 'PAY_UNAVAILABLE');
    assert.equal(await count(orderId), 0);
  });

  test('slow delays the call by delayMs', async () => {
    await setFault({ mode: 'slow', delayMs: 300, remaining: 1 });
    const started = performance.now();
    assert.equal((await charge()).statusCode, 201);
    assert.ok(performance.now() - started >= 290);
  });

  test('a mode of another service is 400', async () => {
    assert.equal((await setFault({ mode: 'out-of-stock' })).statusCode, 400);
    assert.equal((await setFault({ mode: 'down', delayMs: -1 })).statusCode, 400);
  });
});
