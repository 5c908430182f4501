import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './api-client.ts';
import { ApiError } from './api-error.ts';
import { setCsrfToken } from './csrf.ts';

type Seen = { url: string; init: RequestInit };
const realFetch = globalThis.fetch;

function fakeFetch(status: number, body: unknown, contentType = 'application/json'): Seen[] {
  const seen: Seen[] = [];
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': contentType },
    });
  }) as typeof fetch;
  return seen;
}

describe('api client', () => {
  afterEach(() => {
    globalThis.fetch = realFetch;
    setCsrfToken(undefined);
  });

  test('sends the CSRF token on state-changing calls only, never an Authorization header', async () => {
    setCsrfToken('csrf-123');
    const seen = fakeFetch(200, { ok: true });
    await api.get('/api/cart');
    await api.post('/api/cart', { productId: 1 });
    await api.delete('/api/cart/1');
    const headers = seen.map((s) => s.init.headers as Record<string, string>);
    assert.equal(headers[0]!['X-CSRF-Token'], undefined);
    assert.equal(headers[1]!['X-CSRF-Token'], 'csrf-123');
    assert.equal(headers[2]!['X-CSRF-Token'], 'csrf-123');
    for (const s of seen) {
      assert.equal(s.init.credentials, 'same-origin');
      assert.equal((s.init.headers as Record<string, string>).Authorization, undefined);
    }
    assert.equal(seen[1]!.init.body, '{"productId":1}');
  });

  test('builds query strings without empty values', async () => {
    const seen = fakeFetch(200, []);
    await api.get('/api/products', { query: { search: 'usb hub', category: '', page: 2, sort: undefined } });
    assert.equal(seen[0]!.url, '/api/products?search=usb+hub&page=2');
  });

  test('turns problem details into an ApiError with status and code', async () => {
    fakeFetch(
      409,
      { title: 'Conflict', status: 409, code: 'SHOP_OUT_OF_STOCK', unavailable: [] },
      'application/problem+json',
    );
    await assert.rejects(api.post('/api/checkout', {}), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 'SHOP_OUT_OF_STOCK');
      assert.deepEqual(error.problem.unavailable, []);
      return true;
    });
  });

  test('a non-JSON error body still gives an ApiError', async () => {
    globalThis.fetch = (async () =>
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })) as typeof fetch;
    await assert.rejects(
      api.get('/api/products'),
      (error: unknown) => error instanceof ApiError && error.status === 502,
    );
  });
});
