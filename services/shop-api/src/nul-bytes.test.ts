import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADDRESS, bearer, startHarness, type Harness } from './testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h?.close());

const refused = (res: { statusCode: number; body: string; json(): { code: string } }) => {
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
};

test('a NUL byte in the public catalog search is a clean 400, not a 500', async () => {
  refused(await h.app.inject({ url: '/api/products?search=%00' }));
  refused(await h.app.inject({ url: '/api/products?category=audio%00' }));
});

test('a NUL byte in a checkout address is a 400: no order, no key, the cart is kept', async () => {
  const mario = bearer(await h.userToken('nul-mario'));
  await h.app.inject({ method: 'POST', url: '/api/cart', headers: mario, payload: { productId: 2 } });
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/checkout',
    headers: { ...mario, 'idempotency-key': 'nul-key-1' },
    payload: { shippingAddress: { ...ADDRESS, city: 'Mi\u0000lano' }, paymentMethod: 'credit-card' },
  });
  refused(res);
  const cart = await h.app.inject({ url: '/api/cart', headers: mario });
  assert.deepEqual(
    cart.json().map((i: { productId: number }) => i.productId),
    [2],
  );
  assert.deepEqual((await h.app.inject({ url: '/api/orders', headers: mario })).json(), []);
  // The same key with a clean body is a fresh checkout, not a replay of anything.
  const ok = await h.app.inject({
    method: 'POST',
    url: '/api/checkout',
    headers: { ...mario, 'idempotency-key': 'nul-key-1' },
    payload: { shippingAddress: ADDRESS, paymentMethod: 'credit-card' },
  });
  assert.equal(ok.statusCode, 201, ok.body);
});

test('a NUL byte in admin input is a 400: no product is created', async () => {
  const admin = bearer(await h.adminToken());
  refused(
    await h.app.inject({
      method: 'POST',
      url: '/api/products',
      headers: admin,
      payload: { name: 'Nul\u0000Lamp', category: 'audio', price: 1 },
    }),
  );
  refused(await h.app.inject({ url: '/api/admin/orders?userId=%00', headers: admin }));
  const all = (await h.app.inject({ url: '/api/products?search=Lamp' })).json();
  assert.deepEqual(all, []);
});
