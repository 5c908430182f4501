import { after, before, test } from 'node:test';
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

const payload = (orderId: string) => ({
  orderId,
  amount: 12_345,
  currency: 'EUR',
  paymentMethod: 'paypal',
  customer: { userId: 'user-luigi' },
});
const charge = (orderId: string, key: string) =>
  h.app.inject({
    method: 'POST',
    url: '/api/payments/charges',
    headers: { ...h.shop, 'idempotency-key': key },
    payload: payload(orderId),
  });

test(
  '20 concurrent identical charges with one Idempotency-Key book exactly one charge',
  { timeout: 60_000 },
  async () => {
    const orderId = `order-${randomUUID()}`;
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => charge(orderId, key)));
    assert.ok(
      results.every((r) => r.statusCode === 201),
      results.map((r) => r.statusCode).join(','),
    );
    assert.equal(new Set(results.map((r) => r.json().chargeId)).size, 1);
    const { rows } = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM charges WHERE order_id = $1',
      [orderId],
    );
    assert.equal(rows[0]?.n, 1);
  },
);

test(
  '20 concurrent charges of one order with different keys: one succeeds, the rest are 409',
  { timeout: 60_000 },
  async () => {
    const orderId = `order-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => charge(orderId, randomUUID())));
    const statuses = results.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 201).length, 1);
    assert.equal(statuses.filter((s) => s === 409).length, 19, statuses.join(','));
    const { rows } = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM charges WHERE order_id = $1 AND status = 'succeeded'",
      [orderId],
    );
    assert.equal(rows[0]?.n, 1);
  },
);
