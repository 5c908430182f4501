import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, startHarness, type Harness } from '../testing/harness.ts';

describe('cart', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  const anon = (id: string) => ({ 'x-cart-id': `anon_${id.padEnd(16, 'x')}` });

  test('an anonymous visitor keeps a cart under X-Cart-Id; adding twice sums quantities', async () => {
    const headers = anon('a1');
    assert.deepEqual((await h.app.inject({ url: '/api/cart', headers })).json(), []);
    const first = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers,
      payload: { productId: 2 },
    });
    assert.equal(first.statusCode, 200);
    const second = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers,
      payload: { productId: 2, quantity: 3 },
    });
    const body = second.json();
    assert.equal(body.success, true);
    assert.equal(body.cart[0].quantity, 4);
    assert.equal(body.cart[0].product.name, 'Wireless Mouse');
    assert.equal(body.totalMinor, 4 * 2999);
    assert.equal(body.itemCount, 4);
    const items = (await h.app.inject({ url: '/api/cart', headers })).json();
    assert.deepEqual(
      items.map((i: { productId: number; quantity: number }) => [i.productId, i.quantity]),
      [[2, 4]],
    );
  });

  test('the answer to an add is the cart as a read gives it: every line, oldest first, the added one current', async () => {
    const headers = anon('a2');
    const add = (productId: number, quantity: number) =>
      h.app.inject({ method: 'POST', url: '/api/cart', headers, payload: { productId, quantity } });
    await add(7, 1);
    await add(3, 2);
    await add(9, 1);
    const answer = (await add(3, 5)).json();
    const read = (await h.app.inject({ url: '/api/cart', headers })).json();
    assert.deepEqual(
      answer.cart.map((i: { productId: number; quantity: number }) => [i.productId, i.quantity]),
      [
        [7, 1],
        [3, 7],
        [9, 1],
      ],
    );
    assert.deepEqual(answer.cart, read, 'products, availability and order as GET /api/cart answers');
  });

  test('without a token or a valid cart id → 401; a malformed cart id is refused', async () => {
    const none = await h.app.inject({ url: '/api/cart' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'SHOP_CART_OWNER_MISSING');
    for (const id of ['short', 'has space in it 123456', '../../etc/passwd/aaaaaaa']) {
      const res = await h.app.inject({ url: '/api/cart', headers: { 'x-cart-id': id } });
      assert.equal(res.statusCode, 400, id);
    }
  });

  test('a user cart is keyed by the token subject and invisible to others', async () => {
    const mario = bearer(await h.userToken('mario'));
    const luigi = bearer(await h.userToken('luigi'));
    await h.app.inject({ method: 'POST', url: '/api/cart', headers: mario, payload: { productId: 1 } });
    assert.equal((await h.app.inject({ url: '/api/cart', headers: mario })).json().length, 1);
    assert.deepEqual((await h.app.inject({ url: '/api/cart', headers: luigi })).json(), []);
    // A signed-in user with a cart id header still gets their own cart.
    assert.equal(
      (await h.app.inject({ url: '/api/cart', headers: { ...mario, ...anon('a1') } })).json()[0].productId,
      1,
    );
  });

  test('a token for another audience → 401 (never falls back to the anonymous cart); a service account → 403', async () => {
    const wrongAud = await h.issuer.userToken({
      username: 'mario',
      realmRoles: ['user'],
      audience: 'payment-service',
    });
    const res = await h.app.inject({ url: '/api/cart', headers: { ...bearer(wrongAud), ...anon('a1') } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'AUTH_TOKEN_INVALID');
    assert.match(res.headers['www-authenticate'] as string, /error="invalid_token"/);
    const garbage = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: { authorization: 'Bearer not.a.jwt', ...anon('a1') },
      payload: { productId: 1 },
    });
    assert.equal(garbage.statusCode, 401);
    const svc = await h.issuer.serviceToken({ clientId: 'shop-api', audience: 'shop-api' });
    const forbidden = await h.app.inject({ url: '/api/cart', headers: bearer(svc) });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().code, 'AUTH_INSUFFICIENT_SCOPE');
  });

  test('quantities must be integers 1..99, unknown fields rejected; nothing changes', async () => {
    const headers = anon('q1');
    await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers,
      payload: { productId: 3, quantity: 98 },
    });
    const bad = [
      { productId: 3, quantity: 0 },
      { productId: 3, quantity: -1 },
      { productId: 3, quantity: '2' + 'x' },
      { productId: 3, quantity: 100 },
      { productId: 3, quantity: 1.5 },
      { productId: 3, price: 0.01 },
      { productId: 'abc' },
    ];
    for (const payload of bad) {
      const res = await h.app.inject({ method: 'POST', url: '/api/cart', headers, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
    }
    const over = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers,
      payload: { productId: 3, quantity: 2 },
    });
    assert.equal(over.statusCode, 400);
    assert.equal(over.json().code, 'SHOP_CART_QUANTITY_LIMIT');
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers,
      payload: { productId: 999 },
    });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(
      (await h.app.inject({ url: '/api/cart', headers })).json().map((i: { quantity: number }) => i.quantity),
      [98],
    );
  });

  test('PUT sets a quantity, 0 removes; PUT on an absent item → 404; DELETE is idempotent', async () => {
    const headers = anon('p1');
    await h.app.inject({ method: 'POST', url: '/api/cart', headers, payload: { productId: 4 } });
    const set = await h.app.inject({ method: 'PUT', url: '/api/cart/4', headers, payload: { quantity: 5 } });
    assert.equal(set.json().cart[0].quantity, 5);
    assert.equal(
      (await h.app.inject({ method: 'PUT', url: '/api/cart/5', headers, payload: { quantity: 1 } }))
        .statusCode,
      404,
    );
    assert.equal(
      (await h.app.inject({ method: 'PUT', url: '/api/cart/4', headers, payload: { quantity: -1 } }))
        .statusCode,
      400,
    );
    const removed = await h.app.inject({
      method: 'PUT',
      url: '/api/cart/4',
      headers,
      payload: { quantity: 0 },
    });
    assert.deepEqual(removed.json().cart, []);
    await h.app.inject({ method: 'POST', url: '/api/cart', headers, payload: { productId: 6 } });
    assert.deepEqual((await h.app.inject({ method: 'DELETE', url: '/api/cart/6', headers })).json().cart, []);
    assert.equal((await h.app.inject({ method: 'DELETE', url: '/api/cart/6', headers })).statusCode, 200);
  });

  test('merge moves the anonymous cart into the user cart (quantities summed, capped at 99) and empties it', async () => {
    const visitor = anon('m1');
    const peach = bearer(await h.userToken('peach'));
    await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: visitor,
      payload: { productId: 7, quantity: 60 },
    });
    await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: visitor,
      payload: { productId: 8, quantity: 1 },
    });
    await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: peach,
      payload: { productId: 7, quantity: 50 },
    });
    const merged = await h.app.inject({
      method: 'POST',
      url: '/api/cart/merge',
      headers: { ...peach, ...visitor },
    });
    assert.equal(merged.statusCode, 200);
    assert.equal(merged.json().merged, 2);
    assert.deepEqual(
      merged.json().cart.map((i: { productId: number; quantity: number }) => [i.productId, i.quantity]),
      [
        [7, 99],
        [8, 1],
      ],
    );
    assert.deepEqual((await h.app.inject({ url: '/api/cart', headers: visitor })).json(), []);
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/cart/merge',
      headers: { ...peach, ...visitor },
    });
    assert.equal(again.json().merged, 0);
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/api/cart/merge', headers: visitor })).statusCode,
      401,
      'merge needs a user token',
    );
  });

  test('merge keeps the user cart within 50 lines: shared products are summed, new ones join while there is room', async () => {
    const { rows } = await h.db.query<{ id: number }>(
      `INSERT INTO products (name, category, price_minor)
       SELECT 'Merge filler ' || n, 'accessories', 100 FROM generate_series(1, 52) AS n RETURNING id`,
    );
    const ids = rows.map((r) => r.id);
    const daisy = bearer(await h.userToken('daisy'));
    const visitor = anon('limit');
    const add = (headers: Record<string, string>, productId: number) =>
      h.app.inject({ method: 'POST', url: '/api/cart', headers, payload: { productId, quantity: 1 } });
    for (const id of ids.slice(0, 48)) assert.equal((await add(daisy, id)).statusCode, 200);
    // The visitor: one product daisy has, then four she has not, oldest first.
    for (const id of [ids[0]!, ...ids.slice(48, 52)]) assert.equal((await add(visitor, id)).statusCode, 200);

    const merged = await h.app.inject({
      method: 'POST',
      url: '/api/cart/merge',
      headers: { ...daisy, ...visitor },
    });
    assert.equal(merged.statusCode, 200);
    assert.equal(merged.json().merged, 3);
    assert.equal(merged.json().dropped, 2);
    const cart = merged.json().cart as { productId: number; quantity: number }[];
    assert.equal(cart.length, 50);
    assert.equal(cart.find((i) => i.productId === ids[0])?.quantity, 2);
    assert.ok(cart.some((i) => i.productId === ids[48]) && cart.some((i) => i.productId === ids[49]));
    assert.ok(!cart.some((i) => i.productId === ids[50] || i.productId === ids[51]));
    assert.deepEqual((await h.app.inject({ url: '/api/cart', headers: visitor })).json(), []);
    // The cart is full: a further new product is refused as usual.
    assert.equal((await add(daisy, ids[51]!)).json().code, 'SHOP_CART_TOO_MANY_ITEMS');
    // …but more of a product it already holds still fits.
    const more = await add(daisy, ids[0]!);
    assert.equal(more.statusCode, 200);
    assert.equal(more.json().cart.find((i: { productId: number }) => i.productId === ids[0])?.quantity, 3);
  });
});
