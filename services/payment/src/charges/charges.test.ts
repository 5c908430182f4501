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

const body = (overrides: Record<string, unknown> = {}) => ({
  orderId: `order-${randomUUID()}`,
  amount: 89_999,
  currency: 'EUR',
  paymentMethod: 'credit-card',
  customer: { userId: 'user-mario', email: 'mario@techstore.test' },
  ...overrides,
});
const charge = (payload: object, key: string = randomUUID()) =>
  h.app.inject({
    method: 'POST',
    url: '/api/payments/charges',
    headers: { ...h.shop, 'idempotency-key': key },
    payload,
  });
const countCharges = async (orderId: string) =>
  (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM charges WHERE order_id = $1', [orderId]))
    .rows[0]?.n;

describe('charges', { timeout: 30_000 }, () => {
  test('a charge succeeds with 201 and is persisted', async () => {
    const payload = body();
    const res = await charge(payload);
    assert.equal(res.statusCode, 201);
    const c = res.json();
    assert.match(c.chargeId, /^ch_/);
    assert.equal(c.orderId, payload.orderId);
    assert.equal(c.status, 'succeeded');
    assert.equal(c.amount, 89_999);
    assert.equal(c.currency, 'EUR');
    const list = await h.app.inject({
      method: 'GET',
      url: `/api/payments/charges?orderId=${payload.orderId}`,
      headers: h.shop,
    });
    assert.deepEqual(list.json().items, [c]);
  });

  test('a replay with the same key and body answers the same charge and books nothing new', async () => {
    const payload = body();
    const key = randomUUID();
    const first = await charge(payload, key);
    const replay = await charge(payload, key);
    assert.equal(replay.statusCode, 201);
    assert.deepEqual(replay.json(), first.json());
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(await countCharges(payload.orderId), 1);
  });

  test('the same key with a different amount is 422 PAY_IDEMPOTENCY_MISMATCH and books nothing', async () => {
    const payload = body();
    const key = randomUUID();
    await charge(payload, key);
    const res = await charge({ ...payload, amount: payload.amount + 1 }, key);
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'PAY_IDEMPOTENCY_MISMATCH');
    assert.equal(await countCharges(payload.orderId), 1);
  });

  test('test-decline is declined with 402 PAY_DECLINED card_declined, recorded, and replayed identically', async () => {
    const payload = body({ paymentMethod: 'test-decline' });
    const key = randomUUID();
    const res = await charge(payload, key);
    assert.equal(res.statusCode, 402);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    const problem = res.json();
    assert.equal(problem.code, 'PAY_DECLINED');
    assert.equal(problem.reason, 'card_declined');
    assert.match(problem.chargeId, /^ch_/);
    const replay = await charge(payload, key);
    assert.equal(replay.statusCode, 402);
    assert.equal(replay.json().chargeId, problem.chargeId);
    assert.equal(replay.json().reason, 'card_declined');
    const list = await h.app.inject({
      method: 'GET',
      url: `/api/payments/charges?orderId=${payload.orderId}`,
      headers: h.shop,
    });
    assert.equal(list.json().items[0].status, 'declined');
    assert.equal(list.json().items[0].declineReason, 'card_declined');
  });

  test('an amount above 5,000.00 is declined with limit_exceeded', async () => {
    const res = await charge(body({ amount: 500_001 }));
    assert.equal(res.statusCode, 402);
    assert.equal(res.json().reason, 'limit_exceeded');
  });

  test('after a decline the order can be paid with a new key; a second success for it is 409 PAY_ORDER_ALREADY_PAID', async () => {
    const orderId = `order-${randomUUID()}`;
    assert.equal((await charge(body({ orderId, paymentMethod: 'test-decline' }))).statusCode, 402);
    const paid = await charge(body({ orderId }));
    assert.equal(paid.statusCode, 201);
    const again = await charge(body({ orderId }));
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'PAY_ORDER_ALREADY_PAID');
    assert.equal(again.json().chargeId, paid.json().chargeId);
  });

  test('the database refuses a second succeeded charge for one order, whatever the code does', async () => {
    const orderId = `order-${randomUUID()}`;
    assert.equal((await charge(body({ orderId }))).statusCode, 201);
    await assert.rejects(
      h.db.query(
        `INSERT INTO charges (charge_id, order_id, client_id, idempotency_key, request_hash, amount, currency,
           payment_method, customer_user_id, status) VALUES ('x', $1, 'c', 'k', 'h', 1, 'EUR', 'paypal', 'u', 'succeeded')`,
        [orderId],
      ),
    );
  });
});

describe('charge input', { timeout: 30_000 }, () => {
  const bad: Array<[string, object]> = [
    ['a negative amount', body({ amount: -1 })],
    ['a zero amount', body({ amount: 0 })],
    ['a fractional amount', body({ amount: 10.5 })],
    ['a lower-case currency', body({ currency: 'eur' })],
    ['an unknown payment method', body({ paymentMethod: 'bitcoin' })],
    ['an unknown field', body({ status: 'succeeded' })],
    ['an unknown customer field', body({ customer: { userId: 'u', isAdmin: true } })],
    ['a bad e-mail', body({ customer: { userId: 'u', email: 'not-an-email' } })],
    ['no customer', { ...body(), customer: undefined }],
  ];
  for (const [what, payload] of bad) {
    test(`${what} is 400 and books nothing`, async () => {
      const res = await charge(payload);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
      assert.equal(await countCharges((payload as { orderId: string }).orderId), 0);
    });
  }

  test('a missing Idempotency-Key is 400 and books nothing', async () => {
    const payload = body();
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/payments/charges',
      headers: h.shop,
      payload,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().detail, /idempotency-key/);
    assert.equal(await countCharges(payload.orderId), 0);
  });

  test('a bad list query is 400', async () => {
    for (const query of ['limit=0', 'limit=1000', 'orderId=a%2Fb', 'other=1']) {
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/payments/charges?${query}`,
        headers: h.shop,
      });
      assert.equal(res.statusCode, 400, query);
    }
  });
});
