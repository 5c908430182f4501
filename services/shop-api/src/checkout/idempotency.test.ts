import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, startHarness, type Harness } from '../testing/harness.ts';

describe('checkout idempotency and exactly-once', { timeout: 90_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  const body = { shippingAddress: ADDRESS, paymentMethod: 'credit-card' };
  async function shopper(username: string) {
    const headers = bearer(await h.userToken(username));
    await h.app.inject({ method: 'POST', url: '/api/cart', headers, payload: { productId: 5, quantity: 2 } });
    return headers;
  }
  const ordersOf = async (username: string) =>
    (await h.app.inject({ url: '/api/orders', headers: bearer(await h.userToken(username)) })).json() as {
      id: number;
      status: string;
    }[];
  const chargesFor = (orderIds: number[]) =>
    h.payment.charges.filter((c) => orderIds.map(String).includes(c.orderId));

  test('same key + same body → the same answer replayed, one order, one charge', async () => {
    const headers = { ...(await shopper('kim')), 'idempotency-key': 'key-aaaaaaaa-0001' };
    const first = await h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: body });
    assert.equal(first.statusCode, 201);
    const second = await h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: body });
    assert.equal(second.statusCode, 201);
    assert.equal(second.body, first.body, 'byte-identical replay');
    assert.equal(second.headers['idempotent-replayed'], 'true');
    const orders = await ordersOf('kim');
    assert.equal(orders.length, 1);
    assert.equal(chargesFor(orders.map((o) => o.id)).length, 1);
  });

  test('a replayed failure is the same failure (402 again), not a second attempt', async () => {
    const headers = { ...(await shopper('dee')), 'idempotency-key': 'key-decline-0001' };
    const decline = { ...body, paymentMethod: 'test-decline' };
    const first = await h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: decline });
    assert.equal(first.statusCode, 402);
    const calls = h.payment.calls.charge;
    const second = await h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: decline });
    assert.equal(second.statusCode, 402);
    assert.equal(second.json().orderId, first.json().orderId);
    assert.equal(h.payment.calls.charge, calls, 'payment not called again');
  });

  test('same key + different body → 422 and nothing new', async () => {
    const headers = { ...(await shopper('lee')), 'idempotency-key': 'key-mismatch-0001' };
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: body })).statusCode,
      201,
    );
    await h.app.inject({ method: 'POST', url: '/api/cart', headers, payload: { productId: 1 } });
    const other = await h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers,
      payload: { ...body, paymentMethod: 'paypal' },
    });
    assert.equal(other.statusCode, 422);
    assert.equal(other.json().code, 'SHOP_IDEMPOTENCY_MISMATCH');
    assert.equal((await ordersOf('lee')).length, 1);
    assert.equal(
      (await h.app.inject({ url: '/api/cart', headers })).json().length,
      1,
      'the new cart is untouched',
    );
  });

  test('the same key is scoped per user: another user with the same key gets their own order', async () => {
    const a = { ...(await shopper('ann')), 'idempotency-key': 'shared-key-00001' };
    const b = { ...(await shopper('bob')), 'idempotency-key': 'shared-key-00001' };
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/api/checkout', headers: a, payload: body })).statusCode,
      201,
    );
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/api/checkout', headers: b, payload: body })).statusCode,
      201,
    );
    assert.equal((await ordersOf('bob')).length, 1);
  });

  test('10 concurrent requests with the same key → one order, one charge, ten identical answers', async () => {
    const headers = { ...(await shopper('concurrent')), 'idempotency-key': 'key-concurrent-0001' };
    h.payment.faults.charge = 'slow';
    h.payment.delayMs = 150;
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: body }),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        Array(10).fill(201),
      );
      assert.equal(new Set(answers.map((a) => a.json().order.id)).size, 1);
    } finally {
      delete h.payment.faults.charge;
    }
    const orders = await ordersOf('concurrent');
    assert.equal(orders.length, 1);
    assert.equal(chargesFor([orders[0]!.id]).length, 1);
  });

  test('a double submit without a key → exactly one order (the cart is consumed atomically)', async () => {
    const headers = await shopper('double');
    const answers = await Promise.all(
      [1, 2].map(() => h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: body })),
    );
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 400]);
    assert.equal(answers.find((a) => a.statusCode === 400)!.json().code, 'SHOP_CART_EMPTY');
    assert.equal((await ordersOf('double')).length, 1);
  });

  test('keys answered before outcomes were stored (migration 010) replay the same answers', async () => {
    const confirmed = { ...(await shopper('legacy')), 'idempotency-key': 'key-legacy-0201' };
    const first = await h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: confirmed,
      payload: body,
    });
    assert.equal(first.statusCode, 201);
    const declined = { ...(await shopper('legacy')), 'idempotency-key': 'key-legacy-0402' };
    const decline = { ...body, paymentMethod: 'test-decline' };
    const refused = await h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: declined,
      payload: decline,
    });
    assert.equal(refused.statusCode, 402);
    // The rows as the code before migration 010 wrote them: the HTTP answer, no outcome.
    await h.db.query(
      `UPDATE idempotency_keys SET outcome = NULL, response_status = 201,
              response_body = jsonb_build_object('kind', 'order', 'body', jsonb_build_object('success', true, 'order', outcome))
        WHERE key = 'key-legacy-0201'`,
    );
    await h.db.query(
      `UPDATE idempotency_keys SET outcome = NULL, response_status = 402,
              response_body = jsonb_build_object('kind', 'error', 'code', 'SHOP_PAYMENT_DECLINED', 'detail', 'Payment failed')
        WHERE key = 'key-legacy-0402'`,
    );
    await h.db.query(
      readFileSync(new URL('../../migrations/010_checkout_outcome.sql', import.meta.url), 'utf8'),
    );

    const again = await h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: confirmed,
      payload: body,
    });
    assert.equal(again.statusCode, 201);
    assert.equal(again.body, first.body, 'the 201 replays byte for byte');
    const refusedAgain = await h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: declined,
      payload: decline,
    });
    const told = ({ code, detail, orderId, orderStatus, reason }: Record<string, unknown>) => ({
      code,
      detail,
      orderId,
      orderStatus,
      reason,
    });
    assert.equal(refusedAgain.statusCode, 402);
    assert.deepEqual(told(refusedAgain.json()), told(refused.json()));
  });

  test('a malformed key → 400', async () => {
    const headers = { ...(await shopper('badkey')), 'idempotency-key': 'x'.repeat(300) };
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/api/checkout', headers, payload: body })).statusCode,
      400,
    );
  });
});
