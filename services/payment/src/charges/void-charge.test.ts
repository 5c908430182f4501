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

const body = (orderId: string) => ({
  orderId,
  amount: 12_000,
  currency: 'EUR',
  paymentMethod: 'credit-card',
  customer: { userId: 'user-mario' },
});
const post = (url: string, key: string, payload: object) =>
  h.app.inject({ method: 'POST', url, headers: { ...h.shop, 'idempotency-key': key }, payload });

describe('voiding a charge request whose fate the caller lost', { timeout: 30_000 }, () => {
  test('a key never used is voided, and the request arriving later is refused without charging', async () => {
    const orderId = `order-${randomUUID()}`;
    const key = `${orderId}-charge`;
    const voided = await post('/api/payments/charges/void', key, { orderId });
    assert.equal(voided.statusCode, 200);
    assert.deepEqual(voided.json(), { status: 'voided', netState: 'voided' });

    const late = await post('/api/payments/charges', key, body(orderId));
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().code, 'PAY_CHARGE_VOIDED');
    const { rows } = await h.db.query('SELECT 1 FROM charges WHERE order_id = $1', [orderId]);
    assert.equal(rows.length, 0);
  });

  test('a key already charged answers the charge (succeeded or declined) and stays valid', async () => {
    const orderId = `order-${randomUUID()}`;
    const key = `${orderId}-charge`;
    const charged = await post('/api/payments/charges', key, body(orderId));
    assert.equal(charged.statusCode, 201);
    const settled = await post('/api/payments/charges/void', key, { orderId });
    assert.equal(settled.json().status, 'charged');
    assert.equal(settled.json().charge.chargeId, charged.json().chargeId);
    assert.equal(settled.json().charge.status, 'succeeded');
    assert.equal(settled.json().netState, 'captured');
    const replay = await post('/api/payments/charges', key, body(orderId));
    assert.equal(replay.statusCode, 201, 'a charged key is not voided');

    const declinedOrder = `order-${randomUUID()}`;
    await post('/api/payments/charges', `${declinedOrder}-charge`, {
      ...body(declinedOrder),
      paymentMethod: 'test-decline',
    });
    const declined = await post('/api/payments/charges/void', `${declinedOrder}-charge`, {
      orderId: declinedOrder,
    });
    assert.equal(declined.json().charge.status, 'declined');
    assert.equal(declined.json().netState, 'declined');
  });

  test('a refunded charge is answered as refunded (partially, then fully), never as simply succeeded', async () => {
    const orderId = `order-${randomUUID()}`;
    const key = `${orderId}-charge`;
    const { chargeId } = (await post('/api/payments/charges', key, body(orderId))).json();
    const refund = (amount?: number) =>
      post(`/api/payments/charges/${chargeId}/refunds`, randomUUID(), {
        reason: 'order failed',
        ...(amount ? { amount } : {}),
      });
    const settle = async () => (await post('/api/payments/charges/void', key, { orderId })).json();

    assert.equal((await refund(2_000)).statusCode, 201);
    const partly = await settle();
    assert.equal(partly.status, 'charged');
    assert.equal(partly.netState, 'partially_refunded');
    assert.equal(partly.charge.netState, 'partially_refunded');
    assert.equal(partly.charge.refundedAmount, 2_000);

    assert.equal((await refund()).statusCode, 201);
    const fully = await settle();
    assert.equal(fully.netState, 'refunded');
    assert.equal(fully.charge.status, 'succeeded', 'status stays how the attempt ended');
    assert.equal(fully.charge.refundedAmount, 12_000);

    // The list and a replay of the charge tell the same net state.
    const list = await h.app.inject({
      method: 'GET',
      url: `/api/payments/charges?orderId=${orderId}`,
      headers: h.shop,
    });
    assert.equal(list.json().items[0].netState, 'refunded');
    const replay = await post('/api/payments/charges', key, body(orderId));
    assert.equal(replay.json().netState, 'refunded');
  });

  test('a void racing the charge it settles: exactly one of them wins, never both', async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = `order-${randomUUID()}`;
      const key = `${orderId}-charge`;
      const [charge, voided] = await Promise.all([
        post('/api/payments/charges', key, body(orderId)),
        post('/api/payments/charges/void', key, { orderId }),
      ]);
      const { rows } = await h.db.query('SELECT 1 FROM charges WHERE order_id = $1', [orderId]);
      if (voided.json().status === 'voided') {
        assert.equal(charge.statusCode, 409);
        assert.equal(rows.length, 0);
      } else {
        assert.equal(charge.statusCode, 201);
        assert.equal(voided.json().charge.chargeId, charge.json().chargeId);
        assert.equal(rows.length, 1);
      }
    }
  });

  test('voiding takes the charging role: a caller holding only payments:read is refused', async () => {
    const reader = await h.issuer.serviceToken({
      clientId: 'order-reconciler',
      audience: 'payment-service',
      clientRoles: { 'payment-service': ['payments:read'] },
    });
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/payments/charges/void',
      headers: { authorization: `Bearer ${reader}`, 'idempotency-key': 'k-reader-void' },
      payload: { orderId: 'order-x' },
    });
    assert.equal(res.statusCode, 403);
  });
});
