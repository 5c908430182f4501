import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { createAccessTokenVerifier, createTokenProvider } from '../index.ts';
import { silentLogger, startTestIssuer } from '../testing/index.ts';
import type { TestIssuer } from '../testing/index.ts';

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createTokenProvider against a real token endpoint', { timeout: 30_000 }, () => {
  let issuer: TestIssuer;
  const noSleep = async (): Promise<void> => {};

  before(async () => {
    issuer = await startTestIssuer();
  });
  after(async () => {
    await issuer.close();
  });

  const provider = (extra: Partial<Parameters<typeof createTokenProvider>[0]> = {}) =>
    createTokenProvider({
      tokenEndpoint: issuer.idp.tokenEndpoint,
      clientId: 'shop-api',
      clientSecret: issuer.clientSecret('shop-api'),
      logger: silentLogger,
      ...extra,
    });

  test('problem 5 (token-cache race): 500 concurrent getToken calls on a cold cache make exactly one token request', async () => {
    issuer.resetCounts();
    const tokens = provider();
    const results = await Promise.all(
      Array.from({ length: 500 }, () => tokens.getToken({ scope: 'payment-api' })),
    );
    assert.equal(issuer.counts.token, 1);
    assert.equal(new Set(results).size, 1);
    assert.equal(tokens.stats.tokenRequests, 1);
  });

  test('the token it gets is accepted by the downstream verifier (audience from the requested scope)', async () => {
    const token = await provider().getToken({ scope: 'payment-api' });
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'payment-service',
      logger: silentLogger,
    });
    const principal = await verifier.verify(token);
    assert.equal(principal.isServiceAccount, true);
    assert.deepEqual(principal.clientRoles['payment-service'], [
      'payments:charge',
      'payments:refund',
      'payments:read',
    ]);
  });

  test('caches one token per scope set, order-insensitive', async () => {
    issuer.resetCounts();
    const tokens = provider();
    const a = await tokens.getToken({ scope: 'payment-api inventory-api' });
    const b = await tokens.getToken({ scope: ['inventory-api', 'payment-api'] });
    const c = await tokens.getToken({ scope: 'notification-api' });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(issuer.counts.token, 2);
  });

  test('refreshes ahead of expiry in the background and is correct when expires_in is short', async () => {
    const shortLived = await startTestIssuer({
      clients: { 'shop-api': { secret: 's3cret-for-test', tokenLifetimeSec: 10 } },
    });
    try {
      let clock = 1_000_000;
      const tokens = createTokenProvider({
        tokenEndpoint: shortLived.idp.tokenEndpoint,
        clientId: 'shop-api',
        clientSecret: 's3cret-for-test',
        now: () => clock,
        random: () => 0,
        logger: silentLogger,
      });
      const first = await tokens.getToken();
      assert.equal(shortLived.counts.token, 1);
      clock += 7_000; // before the refresh point (10 s − 20 % lead = 8 s)
      assert.equal(await tokens.getToken(), first);
      assert.equal(shortLived.counts.token, 1);
      clock += 1_000; // at 8 s: still served from cache, refresh starts in the background
      assert.equal(await tokens.getToken(), first);
      await until(
        () => shortLived.counts.token === 2 && tokens.stats.tokensIssued === 2,
        'background refresh',
      );
      assert.equal(tokens.stats.backgroundRefreshes, 1);
      clock += 1_400; // 9.4 s after the first request: the refreshed token is served
      const second = await tokens.getToken();
      assert.notEqual(second, first);
      clock += 10_000; // past usableUntil of the second token: a caller waits for a new one
      assert.notEqual(await tokens.getToken(), second);
      assert.equal(shortLived.counts.token, 3);
    } finally {
      await shortLived.close();
    }
  });

  test('retries 5xx with capped, fully jittered backoff and then succeeds', async () => {
    issuer.resetCounts();
    Object.assign(issuer.faults, { token: 'down', tokenFailuresLeft: 2 });
    const delays: number[] = [];
    const tokens = provider({
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.999,
      retry: { baseDelayMs: 100, maxDelayMs: 150 },
    });
    await tokens.getToken({ scope: 'inventory-api' });
    assert.equal(issuer.counts.token, 3);
    assert.deepEqual(delays, [99, 149]); // min(cap, base·2^n) · random
  });

  test('honours Retry-After on 429', async () => {
    Object.assign(issuer.faults, { token: 'rate-limited', tokenFailuresLeft: 1, retryAfterSec: 2 });
    const delays: number[] = [];
    const tokens = provider({ sleep: async (ms) => void delays.push(ms), random: () => 0.5 });
    await tokens.getToken({ scope: 'inventory-api' });
    assert.equal(delays.length, 1);
    assert.ok((delays[0] as number) >= 2_000, `slept ${String(delays[0])} ms`);
  });

  test('an HTTP-date Retry-After is measured against the injected clock', async () => {
    const clock = Date.parse('2031-03-04T05:06:07Z'); // far from the real clock, on a whole second
    let answered429 = false;
    const delays: number[] = [];
    const tokens = provider({
      now: () => clock,
      sleep: async (ms) => void delays.push(ms),
      random: () => 0,
      fetch: async (url, init) => {
        if (answered429) return fetch(url, init);
        answered429 = true;
        return new Response('{"error":"too_many_requests"}', {
          status: 429,
          headers: { 'retry-after': new Date(clock + 3_000).toUTCString() },
        });
      },
    });
    await tokens.getToken({ scope: 'inventory-api' });
    assert.deepEqual(delays, [3_000]);
  });

  test('retries a dropped connection (network error)', async () => {
    issuer.resetCounts();
    Object.assign(issuer.faults, { token: 'reset', tokenFailuresLeft: 1 });
    await provider({ sleep: noSleep }).getToken({ scope: 'inventory-api' });
    assert.equal(issuer.counts.token, 2);
  });

  test('after the retry budget, fails with an error naming the endpoint and the client, never the secret', async () => {
    issuer.resetCounts();
    Object.assign(issuer.faults, { token: 'down', tokenFailuresLeft: undefined });
    try {
      const tokens = provider({ sleep: noSleep, retry: { maxAttempts: 3 } });
      await assert.rejects(tokens.getToken(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'AUTH_TOKEN_ENDPOINT_UNAVAILABLE');
        assert.ok(error.message.includes(issuer.idp.tokenEndpoint));
        assert.ok(error.message.includes('shop-api'));
        assert.ok(!error.message.includes(issuer.clientSecret('shop-api')));
        return true;
      });
      assert.equal(issuer.counts.token, 3);
    } finally {
      issuer.faults.token = 'ok';
    }
  });

  test('does not retry invalid_client (wrong secret)', async () => {
    issuer.resetCounts();
    const tokens = provider({ clientSecret: 'wrong-secret-value', sleep: noSleep });
    await assert.rejects(tokens.getToken(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'AUTH_TOKEN_REQUEST_REJECTED');
      assert.match(error.message, /invalid_client/);
      assert.ok(!error.message.includes('wrong-secret-value'));
      return true;
    });
    assert.equal(issuer.counts.token, 1);
  });

  test('supports client_secret_post and private_key_jwt', async () => {
    const post = provider({ clientAuthMethod: 'client_secret_post' });
    assert.ok((await post.getToken()).split('.').length === 3);
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    issuer.registerClient('jwt-client', {
      publicJwk: { ...(await exportJWK(publicKey)), alg: 'RS256' },
      audience: ['inventory-service'],
    });
    const jwtClient = createTokenProvider({
      tokenEndpoint: issuer.idp.tokenEndpoint,
      clientId: 'jwt-client',
      privateKey,
      logger: silentLogger,
    });
    const token = await jwtClient.getToken();
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'inventory-service',
      logger: silentLogger,
    });
    assert.equal((await verifier.verify(token)).clientId, 'jwt-client');
  });

  test('private_key_jwt takes a node KeyObject as well, signing with its alg and kid', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    issuer.registerClient('jwt-keyobject', {
      publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'k-1' },
      audience: ['inventory-service'],
    });
    const tokens = createTokenProvider({
      tokenEndpoint: issuer.idp.tokenEndpoint,
      clientId: 'jwt-keyobject',
      privateKey,
      privateKeyAlg: 'ES256',
      privateKeyId: 'k-1',
      logger: silentLogger,
    });
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'inventory-service',
      logger: silentLogger,
    });
    assert.equal((await verifier.verify(await tokens.getToken())).clientId, 'jwt-keyobject');
  });

  test('the refresh-ahead point is jittered by the injected random source, inside the lead window', async () => {
    const shortLived = await startTestIssuer({
      clients: { 'shop-api': { secret: 's3cret-for-test', tokenLifetimeSec: 10 } },
    });
    try {
      let clock = 1_000_000;
      const withRandom = (value: number) => {
        const draws: number[] = [];
        const tokens = createTokenProvider({
          tokenEndpoint: shortLived.idp.tokenEndpoint,
          clientId: 'shop-api',
          clientSecret: 's3cret-for-test',
          now: () => clock,
          random: () => {
            draws.push(value);
            return value;
          },
          logger: silentLogger,
        });
        return { tokens, draws };
      };
      // Lead = 20 % of 10 s = 2 s; jitter moves the refresh point up to half the lead earlier:
      // random 0 → refresh at 8 s, random 0.9 → at 8 − 0.9 × 1 = 7.1 s.
      const early = withRandom(0.9);
      const late = withRandom(0);
      await early.tokens.getToken();
      await late.tokens.getToken();
      assert.ok(early.draws.length > 0 && late.draws.length > 0, 'the injected random source is used');
      clock += 7_200;
      await early.tokens.getToken();
      await late.tokens.getToken();
      assert.equal(early.tokens.stats.backgroundRefreshes, 1, 'random 0.9 refreshes at 7.1 s');
      assert.equal(late.tokens.stats.backgroundRefreshes, 0, 'random 0 waits for 8 s');
      clock += 800;
      await late.tokens.getToken();
      assert.equal(late.tokens.stats.backgroundRefreshes, 1);
      await until(() => shortLived.counts.token === 4, 'both background refreshes');
    } finally {
      await shortLived.close();
    }
  });

  test('refuses to start without a secret (no default) or with a bad endpoint', () => {
    assert.throws(
      () => createTokenProvider({ tokenEndpoint: issuer.idp.tokenEndpoint, clientId: 'shop-api' }),
      { code: 'AUTH_CONFIG_INVALID' },
    );
    assert.throws(
      () => createTokenProvider({ tokenEndpoint: 'token', clientId: 'shop-api', clientSecret: 'x' }),
      { code: 'AUTH_CONFIG_INVALID' },
    );
  });

  test('fetchFor attaches the token and, on a downstream 401, invalidates and retries exactly once', async () => {
    const seen: string[] = [];
    let rejectFirst = true;
    const downstream = createServer((request, response) => {
      seen.push(request.headers.authorization ?? '');
      const status = rejectFirst ? 401 : 200;
      rejectFirst = false;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    try {
      issuer.resetCounts();
      const tokens = provider();
      const paymentFetch = tokens.fetchFor({ scope: 'payment-api' });
      const url = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/charges`;
      const response = await paymentFetch(url, {
        method: 'POST',
        body: JSON.stringify({ amount: 1 }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.status, 200);
      assert.equal(seen.length, 2);
      assert.match(seen[0] as string, /^Bearer ey/);
      assert.notEqual(seen[0], seen[1]);
      assert.equal(issuer.counts.token, 2);
      // A second 401 is returned as is: one retry only.
      rejectFirst = true;
      const again = await tokens.fetchFor({ scope: 'payment-api' })(url);
      assert.equal(again.status, 200);
      assert.equal(seen.length, 4);
    } finally {
      downstream.closeAllConnections();
      await new Promise<void>((resolve) => downstream.close(() => resolve()));
    }
  });

  test('bearerFor hands out the cached token of its scope; invalidating it fetches a new one, once', async () => {
    issuer.resetCounts();
    const tokens = provider();
    const payment = tokens.bearerFor({ scope: 'payment-api' });
    const first = await payment.token();
    assert.equal(first, await tokens.getToken({ scope: 'payment-api' }), 'one cache with getToken');
    assert.equal(issuer.counts.token, 1);
    tokens.bearerFor({ scope: 'inventory-api' }).invalidate(first);
    assert.equal(await payment.token(), first, 'another scope cannot drop this one');
    payment.invalidate(first);
    const second = await payment.token();
    assert.notEqual(second, first);
    payment.invalidate(first);
    assert.equal(await payment.token(), second, 'a stale invalidation leaves the fresh token alone');
    assert.equal(issuer.counts.token, 2);
  });

  test('fetchFor keeps the headers of a Request object and adds the bearer', async () => {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const downstream = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/stock`;
      const paymentFetch = provider().fetchFor({ scope: 'inventory-api' });
      const response = await paymentFetch(new Request(url, { headers: { 'x-request-id': 'req-12345678' } }));
      assert.equal(response.status, 200);
      assert.equal(seen[0]?.['x-request-id'], 'req-12345678');
      assert.match(String(seen[0]?.authorization), /^Bearer ey/);
    } finally {
      downstream.closeAllConnections();
      await new Promise<void>((resolve) => downstream.close(() => resolve()));
    }
  });

  test('fetchFor against a downstream that always answers 401 makes exactly 2 calls and returns the 401', async () => {
    let calls = 0;
    const downstream = createServer((_request, response) => {
      calls++;
      response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    try {
      issuer.resetCounts();
      const url = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/charges`;
      const response = await provider().fetchFor({ scope: 'payment-api' })(url, {
        method: 'POST',
        body: '{}',
      });
      assert.equal(response.status, 401);
      assert.match(String(response.headers.get('www-authenticate')), /invalid_token/);
      assert.equal(calls, 2, 'one call and one retry, never a loop');
      assert.equal(issuer.counts.token, 2, 'the retry used a fresh token');
    } finally {
      downstream.closeAllConnections();
      await new Promise<void>((resolve) => downstream.close(() => resolve()));
    }
  });
});
