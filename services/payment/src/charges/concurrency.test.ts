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

test(
  'a void racing five charges with one key, 30 times: the key ends voided or charged, never both',
  { timeout: 60_000 },
  async () => {
    for (let round = 0; round < 30; round++) {
      const orderId = `order-${randomUUID()}`;
      const key = randomUUID();
      const settle = () =>
        h.app.inject({
          method: 'POST',
          url: '/api/payments/charges/void',
          headers: { ...h.shop, 'idempotency-key': key },
          payload: { orderId },
        });
      // The void starts at a different place among the charges each round.
      const calls = Array.from({ length: 5 }, () => () => charge(orderId, key));
      calls.splice(round % 6, 0, settle);
      const answers = await Promise.all(calls.map((call) => call()));
      const voidAnswer = answers[round % 6]!.json();
      const charges = answers.filter((_, i) => i !== round % 6);

      const { rows } = await h.db.query<{ charges: number; voided: boolean }>(
        `SELECT (SELECT count(*)::int FROM charges WHERE order_id = $1) AS charges,
                EXISTS (SELECT 1 FROM charge_keys WHERE idempotency_key = $2 AND voided) AS voided`,
        [orderId, key],
      );
      const stored = rows[0]!;
      assert.ok(!(stored.voided && stored.charges > 0), `round ${round}: both voided and charged`);
      if (voidAnswer.status === 'voided') {
        assert.deepEqual(stored, { charges: 0, voided: true });
        for (const c of charges) assert.equal(c.json().code, 'PAY_CHARGE_VOIDED');
      } else {
        assert.deepEqual(stored, { charges: 1, voided: false });
        for (const c of charges) {
          assert.equal(c.statusCode, 201);
          assert.equal(c.json().chargeId, voidAnswer.charge.chargeId);
        }
      }
    }
  },
);
