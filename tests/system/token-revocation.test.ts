/**
 * Revocation on sensitive calls, across the running system: an admin's access token keeps its
 * signature and expiry after the admin logs out, but shop-api's admin writes ask the idp whether
 * it is still active (RFC 7662, as client shop-api, which the token's `aud` names — Keycloak ≥
 * 26.6.2 requires that) and refuse it within INTROSPECTION_CACHE_MS. Reads keep local verification.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const CACHE_MS = 2000;

let shop: TestSystem;

before(async () => {
  shop = await startTestSystem({ extraEnv: { 'shop-api': { INTROSPECTION_CACHE_MS: String(CACHE_MS) } } });
});
after(async () => {
  await shop?.stop();
});

/** The admin's tokens by the development CLI client, as a script or API client would hold them. */
async function adminSignIn(): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await fetch(`${shop.urls.idp}/auth/realms/techstore/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'admin',
      password: 'admin123',
      scope: 'openid',
    }),
  });
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** Logout without a browser: the refresh token ends the idp session (Keycloak's POST logout). */
async function logout(refreshToken: string): Promise<void> {
  const response = await fetch(`${shop.urls.idp}/auth/realms/techstore/protocol/openid-connect/logout`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: 'techstore-cli', refresh_token: refreshToken }),
  });
  assert.ok([200, 204].includes(response.status), `logout answered ${response.status}`);
}

describe('a logged-out admin token on sensitive calls', { timeout: 120_000 }, () => {
  test('is refused on stock, price and cancel within the cache time, while reads still accept it', async () => {
    const { accessToken, refreshToken } = await adminSignIn();
    assert.ok([decodeJwt(accessToken).aud].flat().includes('shop-api'), 'shop-api may introspect it');
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const api = (method: string, path: string, body?: object) =>
      fetch(`${shop.gatewayUrl}${path}`, { method, headers, body: body && JSON.stringify(body) });

    const stockBefore = await api('PUT', '/api/admin/stock/8', { onHand: 12 });
    assert.equal(stockBefore.status, 200, await stockBefore.text());

    await logout(refreshToken);
    const loggedOutAt = Date.now();
    const refusedWithin = async (call: () => Promise<Response>) => {
      const deadline = loggedOutAt + CACHE_MS + 3000;
      for (;;) {
        const response = await call();
        if (response.status === 401) return Date.now() - loggedOutAt;
        await response.body?.cancel();
        assert.ok(Date.now() < deadline, `still ${response.status} ${CACHE_MS + 3000} ms after logout`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const elapsed = await refusedWithin(() => api('PUT', '/api/admin/stock/8', { onHand: 99 }));
    assert.ok(elapsed <= CACHE_MS + 1000, `refused ${elapsed} ms after logout (cache ${CACHE_MS} ms)`);

    for (const [method, path, body] of [
      ['PUT', '/api/admin/stock/8', { onHand: 55 }],
      ['PUT', '/api/products/3', { price: 1.99 }],
      ['POST', '/api/admin/orders/1/cancel', {}],
      ['DELETE', '/api/products/4', undefined],
    ] as const) {
      const response = await api(method, path, body);
      assert.equal(response.status, 401, `${method} ${path}: ${await response.text()}`);
      assert.match(response.headers.get('www-authenticate') ?? '', /invalid_token/);
    }
    const stock = await api('GET', '/api/admin/stock/8');
    assert.equal(stock.status, 200, 'reads are verified locally: the token is still signed and unexpired');
    const onHand = ((await stock.json()) as { items: Array<{ onHand: number }> }).items[0]?.onHand;
    assert.notEqual(onHand, 55, 'the refused write changed nothing');
    const product = (await (await fetch(`${shop.gatewayUrl}/api/products/3`)).json()) as { price: number };
    assert.notEqual(product.price, 1.99);
  });

  test("another admin session is not affected by this one's logout", async () => {
    const first = await adminSignIn();
    const second = await adminSignIn();
    await logout(first.refreshToken);
    const response = await fetch(`${shop.gatewayUrl}/api/admin/stock/8`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${second.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ onHand: 12 }),
    });
    assert.equal(response.status, 200, await response.text());
  });
});
