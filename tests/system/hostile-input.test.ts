/**
 * Input an outsider (or an old client) sends, through the real gateway to the real services: each
 * is a clear 4xx problem that changes nothing — never a 500 or 502 — and the original UI's habit
 * of sending `Content-Type: application/json` on body-less calls works.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let shop: TestSystem;
let admin: string;

before(async () => {
  shop = await startTestSystem();
  admin = await shop.userToken('admin', 'admin123');
});
after(async () => {
  await shop?.stop();
});

const json = { 'content-type': 'application/json' };

async function problem(response: Response, status: number) {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, text);
  return JSON.parse(text) as { code: string };
}

describe('hostile and legacy input through the gateway', { timeout: 120_000 }, () => {
  test('JSON nested 30,000 deep: 400 problem, anonymously (cart) and as admin (products)', async () => {
    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    const anonymous = await fetch(`${shop.gatewayUrl}/api/cart`, {
      method: 'POST',
      headers: { ...json, origin: shop.gatewayUrl },
      body: deep,
    });
    assert.equal((await problem(anonymous, 400)).code, 'KIT_VALIDATION_FAILED');
    const asAdmin = await fetch(`${shop.gatewayUrl}/api/products`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${admin}` },
      body: deep,
    });
    assert.equal((await problem(asAdmin, 400)).code, 'KIT_VALIDATION_FAILED');
  });

  test('malformed percent-escapes in a query: 400 problem at the gateway', async () => {
    for (const path of [
      '/api/products?search=%',
      '/auth/realms/techstore/.well-known/openid-configuration?x=%FF',
    ])
      assert.equal(
        (await problem(await fetch(`${shop.gatewayUrl}${path}`), 400)).code,
        'KIT_VALIDATION_FAILED',
      );
  });

  test('a 2 MB body: 413 problem, not 502', async () => {
    const response = await fetch(`${shop.gatewayUrl}/api/products`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${admin}` },
      body: `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    });
    assert.equal((await problem(response, 413)).code, 'KIT_PAYLOAD_TOO_LARGE');
  });

  test('remove-from-cart and delete-product as the original UI sends them (JSON content type, no body)', async () => {
    const mario = { authorization: `Bearer ${await shop.userToken('mario', 'mario123')}`, ...json };
    const added = await fetch(`${shop.gatewayUrl}/api/cart`, {
      method: 'POST',
      headers: mario,
      body: JSON.stringify({ productId: 2, quantity: 1 }),
    });
    assert.equal(added.status, 200, await added.text());
    // `body: ''` sends Content-Length: 0, as browsers do for the original UI's calls.
    const removed = await fetch(`${shop.gatewayUrl}/api/cart/2`, {
      method: 'DELETE',
      headers: mario,
      body: '',
    });
    assert.equal(removed.status, 200, await removed.text());

    const adminJson = { authorization: `Bearer ${admin}`, ...json };
    const created = await fetch(`${shop.gatewayUrl}/api/products`, {
      method: 'POST',
      headers: adminJson,
      body: JSON.stringify({ name: 'Legacy delete', category: 'accessories', price: 3 }),
    });
    const product = (await created.json()) as { id: number };
    assert.equal(created.status, 201, JSON.stringify(product));
    const deleted = await fetch(`${shop.gatewayUrl}/api/products/${product.id}`, {
      method: 'DELETE',
      headers: adminJson,
      body: '',
    });
    assert.equal(deleted.status, 200, await deleted.text());
    assert.equal((await fetch(`${shop.gatewayUrl}/api/products/${product.id}`)).status, 404);
  });

  test('PUT /api/admin/stock/8 with onHand null, "0x10", true or [2]: 400 and on-hand unchanged', async () => {
    const headers = { authorization: `Bearer ${admin}`, ...json };
    const onHand = async () =>
      (
        (await (await fetch(`${shop.gatewayUrl}/api/admin/stock/8`, { headers })).json()) as {
          items: Array<{ onHand: number }>;
        }
      ).items[0]?.onHand;
    const before = await onHand();
    for (const value of [null, '0x10', true, [2]]) {
      const response = await fetch(`${shop.gatewayUrl}/api/admin/stock/8`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ onHand: value }),
      });
      assert.equal((await problem(response, 400)).code, 'KIT_VALIDATION_FAILED', JSON.stringify(value));
    }
    assert.equal(await onHand(), before);
  });
});
