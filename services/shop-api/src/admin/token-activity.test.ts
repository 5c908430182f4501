import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, eventually, startHarness, type Harness } from '../testing/harness.ts';

const CACHE_MS = 1500;

/**
 * Sensitive admin writes — refunds and cancellations, stock and price edits, product deletion,
 * fault switches — ask the idp whether the token is still active (RFC 7662, cached
 * INTROSPECTION_CACHE_MS): a token revoked or whose session ended stops working there within the
 * cache time instead of at its expiry. Reads stay on local JWT verification.
 */
describe('admin writes check that the token is still active', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ INTROSPECTION_CACHE_MS: String(CACHE_MS) });
  });
  after(async () => h?.close());

  const json = { 'content-type': 'application/json' };
  const sensitive = [
    { method: 'POST', url: '/api/admin/orders/1/cancel', payload: {} },
    { method: 'PUT', url: '/api/admin/stock/8', payload: { onHand: 12 } },
    { method: 'POST', url: '/api/products', payload: { name: 'Revoked', category: 'x', price: 1 } },
    { method: 'PUT', url: '/api/products/3', payload: { price: 1.25 } },
    { method: 'DELETE', url: '/api/products/4' },
    { method: 'PUT', url: '/api/admin/faults/payment', payload: { mode: 'none' } },
  ] as const;

  test('a revoked admin token is refused with 401 invalid_token on every sensitive write, and nothing changes', async () => {
    const token = await h.adminToken();
    h.issuer.revoke(token);
    h.inventory.stock.set(8, { onHand: 3, reserved: 0 });
    const product3 = (await h.app.inject({ url: '/api/products/3' })).json();
    for (const call of sensitive) {
      const response = await h.app.inject({ ...call, headers: { ...bearer(token), ...json } });
      assert.equal(response.statusCode, 401, `${call.method} ${call.url}: ${response.body}`);
      assert.match(String(response.headers['www-authenticate']), /invalid_token/);
    }
    assert.equal(h.inventory.stock.get(8)!.onHand, 3);
    assert.deepEqual((await h.app.inject({ url: '/api/products/3' })).json(), product3);
    assert.equal((await h.app.inject({ url: '/api/products/4' })).statusCode, 200);
  });

  test('admin reads stay on local verification (no idp round trip per page)', async () => {
    const token = await h.adminToken();
    h.issuer.revoke(token);
    h.issuer.resetCounts();
    for (const url of ['/api/admin/orders', '/api/admin/stock', '/api/admin/orders?status=confirmed'])
      assert.equal((await h.app.inject({ url, headers: bearer(token) })).statusCode, 200, url);
    assert.equal(h.issuer.counts.introspection, 0);
  });

  test('an active token passes; revoked afterwards, it is refused once the cached answer expires', async () => {
    const token = await h.adminToken();
    const put = () =>
      h.app.inject({
        method: 'PUT',
        url: '/api/admin/stock/8',
        headers: { ...bearer(token), ...json },
        payload: { onHand: 20 },
      });
    h.issuer.resetCounts();
    assert.equal((await put()).statusCode, 200);
    assert.equal((await put()).statusCode, 200);
    assert.equal(h.issuer.counts.introspection, 1, 'the answer is cached');

    h.issuer.revoke(token);
    const revokedAt = Date.now();
    await eventually(async () => (await put()).statusCode === 401, CACHE_MS + 2000, 100);
    assert.ok(Date.now() - revokedAt <= CACHE_MS + 1000, 'refused within the cache time');
  });

  test('the idp unreachable: sensitive writes answer 503 with Retry-After, never run unchecked', async () => {
    h.issuer.faults.introspection = 'down';
    try {
      const response = await h.app.inject({
        method: 'PUT',
        url: '/api/products/3',
        headers: { ...bearer(await h.adminToken()), ...json },
        payload: { price: 2 },
      });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().code, 'AUTH_IDP_UNAVAILABLE');
      assert.ok(response.headers['retry-after']);
    } finally {
      h.issuer.faults.introspection = 'ok';
    }
  });
});
