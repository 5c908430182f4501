import { after, before, describe, test } from 'node:test';
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

async function paidCharge(amount = 10_000, paymentMethod = 'credit-card') {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/payments/charges',
    headers: { ...h.shop, 'idempotency-key': randomUUID() },
    payload: {
      orderId: `order-${randomUUID()}`,
      amount,
      currency: 'EUR',
      paymentMethod,
      customer: { userId: 'u1' },
    },
  });
  return res.json() as { chargeId: string };
}
const refund = (chargeId: string, payload: object, key: string = randomUUID()) =>
  h.app.inject({
    method: 'POST',
    url: `/api/payments/charges/${chargeId}/refunds`,
    headers: { ...h.shop, 'idempotency-key': key },
    payload,
  });
const refunded = async (chargeId: string) =>
  (
    await h.db.query<{ refunded_amount: number }>(
      'SELECT refunded_amount FROM charges WHERE charge_id = $1',
      [chargeId],
    )
  ).rows[0]?.refunded_amount;

describe('refunds', { timeout: 30_000 }, () => {
  test('a full refund without an amount refunds what is left', async () => {
    const { chargeId } = await paidCharge(10_000);
    const res = await refund(chargeId, { reason: 'order cancelled' });
    assert.equal(res.statusCode, 201);
    const r = res.json();
    assert.match(r.refundId, /^re_/);
    assert.equal(r.chargeId, chargeId);
    assert.equal(r.amount, 10_000);
    assert.equal(r.currency, 'EUR');
    assert.equal(r.status, 'succeeded');
    assert.equal(await refunded(chargeId), 10_000);
  });

  test('a replay with the same key returns the same refund and refunds nothing more', async () => {
    const { chargeId } = await paidCharge(10_000);
    const key = randomUUID();
    const first = await refund(chargeId, { amount: 3_000, reason: 'partial' }, key);
    const replay = await refund(chargeId, { amount: 3_000, reason: 'partial' }, key);
    assert.equal(replay.statusCode, 201);
    assert.deepEqual(replay.json(), first.json());
    assert.equal(await refunded(chargeId), 3_000);
    const mismatch = await refund(chargeId, { amount: 4_000, reason: 'partial' }, key);
    assert.equal(mismatch.statusCode, 422);
    assert.equal(mismatch.json().code, 'PAY_IDEMPOTENCY_MISMATCH');
  });

  test('partial refunds add up to the charge and no further', async () => {
    const { chargeId } = await paidCharge(10_000);
    assert.equal((await refund(chargeId, { amount: 6_000, reason: 'a' })).statusCode, 201);
    const tooMuch = await refund(chargeId, { amount: 4_001, reason: 'b' });
    assert.equal(tooMuch.statusCode, 409);
    assert.equal(tooMuch.json().code, 'PAY_REFUND_EXCEEDS_CHARGE');
    assert.equal(tooMuch.json().refundable, 4_000);
    assert.equal((await refund(chargeId, { reason: 'rest' })).json().amount, 4_000);
    const done = await refund(chargeId, { reason: 'again' });
    assert.equal(done.statusCode, 409);
    assert.equal(done.json().code, 'PAY_ALREADY_REFUNDED');
    assert.equal(await refunded(chargeId), 10_000);
  });

  test('a refund answers the charge netState as it is now, like every charge answer', async () => {
    const { chargeId } = await paidCharge(10_000);
    const key = randomUUID();
    const part = await refund(chargeId, { amount: 4_000, reason: 'part' }, key);
    assert.equal(part.json().netState, 'partially_refunded');
    assert.equal((await refund(chargeId, { reason: 'rest' })).json().netState, 'refunded');
    const replay = await refund(chargeId, { amount: 4_000, reason: 'part' }, key);
    assert.equal(replay.json().amount, 4_000);
    assert.equal(replay.json().netState, 'refunded', 'a replay tells the charge as it is now');
  });

  test('concurrent refunds never exceed the charge', async () => {
    const { chargeId } = await paidCharge(10_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refund(chargeId, { amount: 1_000, reason: 'race' })),
    );
    assert.equal(results.filter((r) => r.statusCode === 201).length, 10);
    assert.equal(await refunded(chargeId), 10_000);
  });

  test('a declined charge cannot be refunded: 409 PAY_CHARGE_NOT_REFUNDABLE', async () => {
    const declined = await h.app.inject({
      method: 'POST',
      url: '/api/payments/charges',
      headers: { ...h.shop, 'idempotency-key': randomUUID() },
      payload: {
        orderId: `order-${randomUUID()}`,
        amount: 100,
        currency: 'EUR',
        paymentMethod: 'test-decline',
        customer: { userId: 'u' },
      },
    });
    const res = await refund(declined.json().chargeId, { reason: 'x' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'PAY_CHARGE_NOT_REFUNDABLE');
  });

  test('an unknown charge is 404 PAY_CHARGE_NOT_FOUND', async () => {
    const res = await refund(`ch_${randomUUID()}`, { reason: 'x' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'PAY_CHARGE_NOT_FOUND');
  });

  test('bad refund input is 400 and refunds nothing', async () => {
    const { chargeId } = await paidCharge(10_000);
    for (const payload of [
      { amount: -5, reason: 'x' },
      { amount: 5 },
      { reason: 'x', status: 'succeeded' },
      { reason: '' },
    ]) {
      const res = await refund(chargeId, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
    assert.equal((await refund('not-a-charge', { reason: 'x' })).statusCode, 400);
    assert.equal(await refunded(chargeId), 0);
  });
});
