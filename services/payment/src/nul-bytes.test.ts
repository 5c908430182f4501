import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from './testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const charge = (key: string, customer: object) =>
  h.app.inject({
    method: 'POST',
    url: '/api/payments/charges',
    headers: { ...h.shop, 'idempotency-key': key },
    payload: { orderId: 'nul-1', amount: 100, currency: 'EUR', paymentMethod: 'paypal', customer },
  });

test(
  'a NUL byte in a charge or a refund is a clean 400 (it was a 500), nothing booked',
  { timeout: 30_000 },
  async () => {
    const bad = await charge('nul-key-0001', { userId: 'u\u0000' });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().code, 'KIT_VALIDATION_FAILED');
    const listed = await h.app.inject({ url: '/api/payments/charges?orderId=nul-1', headers: h.shop });
    assert.deepEqual(listed.json().items, []);

    const ok = await charge('nul-key-0002', { userId: 'u' });
    assert.equal(ok.statusCode, 201);
    const refund = await h.app.inject({
      method: 'POST',
      url: `/api/payments/charges/${ok.json().chargeId}/refunds`,
      headers: { ...h.shop, 'idempotency-key': 'nul-refund-0001' },
      payload: { reason: 'a\u0000b' },
    });
    assert.equal(refund.statusCode, 400, refund.body);
    assert.equal(refund.json().code, 'KIT_VALIDATION_FAILED');
    const after = await h.app.inject({ url: '/api/payments/charges?orderId=nul-1', headers: h.shop });
    assert.equal(after.json().items[0].refundedAmount, 0);
  },
);
