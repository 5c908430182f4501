import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, startHarness, type Harness } from './testing/harness.ts';
import { shopRefusalMatrix, type ShopRoute } from './testing/refusal-matrix.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h?.close());

const CART = { 'x-cart-id': 'cart_matrixmatrixmatrix' };
const cartRoute = (method: ShopRoute['method'], url: string, payload?: object): ShopRoute => ({
  method,
  url,
  guard: 'user',
  ...(payload ? { payload } : {}),
  // Anonymous visitors use the cart with X-Cart-Id; with neither a token nor a cart id it is 401.
  missingCode: 'SHOP_CART_OWNER_MISSING',
});

const USER_ROUTES: ShopRoute[] = [
  cartRoute('GET', '/api/cart'),
  cartRoute('POST', '/api/cart', { productId: 1, quantity: 1 }),
  cartRoute('PUT', '/api/cart/1', { quantity: 2 }),
  cartRoute('DELETE', '/api/cart/1'),
  { method: 'POST', url: '/api/cart/merge', guard: 'user', headers: CART },
  {
    method: 'POST',
    url: '/api/checkout',
    guard: 'user',
    payload: { shippingAddress: ADDRESS, paymentMethod: 'credit-card' },
  },
  { method: 'GET', url: '/api/orders', guard: 'user' },
  { method: 'GET', url: '/api/orders/1', guard: 'user' },
  { method: 'GET', url: '/api/user/profile', guard: 'user' },
];

const ADMIN_ROUTES: ShopRoute[] = [
  {
    method: 'POST',
    url: '/api/products',
    guard: 'admin',
    payload: { name: 'Matrix Lamp', category: 'accessories', price: 10 },
  },
  { method: 'PUT', url: '/api/products/1', guard: 'admin', payload: { description: 'matrix' } },
  { method: 'DELETE', url: '/api/products/99999', guard: 'admin' },
  { method: 'GET', url: '/api/admin/orders', guard: 'admin' },
  { method: 'GET', url: '/api/admin/orders/99999', guard: 'admin' },
  { method: 'POST', url: '/api/admin/orders/99999/cancel', guard: 'admin', payload: {} },
  { method: 'GET', url: '/api/admin/stock', guard: 'admin' },
  { method: 'GET', url: '/api/admin/stock/1', guard: 'admin' },
  { method: 'PUT', url: '/api/admin/stock/1', guard: 'admin', payload: { onHand: 100 } },
  { method: 'GET', url: '/api/admin/mailbox', guard: 'admin' },
  { method: 'GET', url: '/api/admin/faults/payment', guard: 'admin' },
  { method: 'PUT', url: '/api/admin/faults/payment', guard: 'admin', payload: { mode: 'none' } },
];

/** Public by design: the catalog reads, the docs and health. */
const PUBLIC = new Set(['GET /api/products', 'GET /api/products/{id}', 'GET /api/categories']);

describe('who may call shop-api', { timeout: 120_000 }, () => {
  describe('user routes', () => shopRefusalMatrix(() => h, USER_ROUTES));
  describe('admin routes', () => shopRefusalMatrix(() => h, ADMIN_ROUTES));

  test('the matrix covers every documented route that is not public', () => {
    const covered = new Set(
      [...USER_ROUTES, ...ADMIN_ROUTES].map(
        (r) =>
          `${r.method} ${r.url.replace(/\/(\d+|payment)(?=\/|$)/g, (_, seg: string) => (seg === 'payment' ? '/{service}' : '/{id}'))}`,
      ),
    );
    const spec = h.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      const generic = path.replace(/\{[^}]+\}/g, (p) => (p === '{service}' ? p : '{id}'));
      for (const method of Object.keys(operations)) {
        const key = `${method.toUpperCase()} ${generic}`;
        if (generic.startsWith('/api/') && !PUBLIC.has(key) && !covered.has(key)) missing.push(key);
      }
    }
    assert.deepEqual(missing, []);
  });

  test("another user's order is 404, the same answer as a missing order", async () => {
    const mario = bearer(await h.userToken('mario'));
    await h.app.inject({ method: 'POST', url: '/api/cart', headers: mario, payload: { productId: 2 } });
    const order = await h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: mario,
      payload: { shippingAddress: ADDRESS, paymentMethod: 'credit-card' },
    });
    assert.equal(order.statusCode, 201);
    const luigi = bearer(await h.userToken('luigi'));
    const foreign = await h.app.inject({ url: `/api/orders/${order.json().order.id}`, headers: luigi });
    const missing = await h.app.inject({ url: '/api/orders/99999', headers: luigi });
    assert.equal(foreign.statusCode, 404);
    assert.deepEqual(
      { code: foreign.json().code, title: foreign.json().title },
      { code: missing.json().code, title: missing.json().title },
    );
    assert.equal(
      (await h.app.inject({ url: `/api/orders/${order.json().order.id}`, headers: mario })).statusCode,
      200,
    );
  });

  test("the profile is the caller's own, from the token, and never another user's", async () => {
    const response = await h.app.inject({
      url: '/api/user/profile',
      headers: bearer(await h.userToken('luigi')),
    });
    const luigi = response.json();
    assert.equal(luigi.username, 'luigi');
    assert.equal(luigi.role, 'user');
    // Kept by the gateway per token only (profile/routes.ts), by anyone else not at all.
    assert.equal(response.headers['cache-control'], 'private, no-store');
    assert.match(String(response.headers['gateway-cache-control']), /^max-age=\d+$/);
    assert.equal(response.headers.vary, 'authorization');
  });
});
