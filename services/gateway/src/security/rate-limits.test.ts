import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { Browser } from '../testing/browser.ts';
import { startEchoUpstream } from '../testing/fake-upstream.ts';
import { startGatewayWithIdp, type GatewayWithIdp } from '../testing/idp-harness.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const CHECKOUTS = 4;
const LOGINS = 3;
const CREDENTIAL_POSTS = 3;

describe('rate limits shared by two gateway replicas on one database', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let system: GatewayWithIdp;
  let replica: Awaited<ReturnType<GatewayWithIdp['replica']>>;

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    upstream = await startEchoUpstream();
    const env = {
      SHOP_API_URL: upstream.url,
      RATE_LIMIT_CHECKOUT_PER_MINUTE: String(CHECKOUTS),
      RATE_LIMIT_LOGIN_PER_MINUTE: String(LOGINS),
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: String(CREDENTIAL_POSTS),
      TRUST_PROXY: 'true',
    };
    system = await startGatewayWithIdp(database.db, env);
    replica = await system.replica(env);
  });
  after(async () => {
    await replica?.app.close();
    await system?.close();
    await upstream?.close();
    await database?.drop();
  });

  /** Alternates between the replica listening on the origin (over HTTP) and the other (inject). */
  async function call(
    index: number,
    request: { method: 'GET' | 'POST'; url: string; headers: Record<string, string> },
  ): Promise<number> {
    if (index % 2 === 0) {
      const response = await fetch(new URL(request.url, system.origin), {
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        body: request.method === 'POST' ? '{}' : undefined,
        redirect: 'manual',
      });
      await response.body?.cancel();
      return response.status;
    }
    const response = await replica.app.inject({
      ...request,
      ...(request.method === 'POST' ? { payload: {} } : {}),
    });
    return response.statusCode;
  }

  /** A token from the CLI client's password grant, as a script would mint one. */
  async function passwordGrant(username: string, password: string): Promise<string> {
    const response = await fetch(`${system.idp.url}/auth/realms/techstore/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'techstore-cli', username, password }),
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  test('bearer checkouts count per user: other letter case, extra spaces and freshly minted tokens share one budget across replicas', async () => {
    const first = await passwordGrant('mario', 'mario123');
    const second = await passwordGrant('mario', 'mario123');
    const variants = [`Bearer ${first}`, `bearer    ${second}`, `BEARER ${first}`, `Bearer  ${second} `];
    const statuses: number[] = [];
    for (const [index, authorization] of variants.entries())
      statuses.push(await call(index, { method: 'POST', url: '/api/checkout', headers: { authorization } }));
    assert.deepEqual(statuses, Array(CHECKOUTS).fill(201));
    const fresh = await passwordGrant('mario', 'mario123');
    for (const [index, authorization] of [`Bearer ${fresh}`, `bEaReR        ${first}`].entries())
      assert.equal(
        await call(index, { method: 'POST', url: '/api/checkout', headers: { authorization } }),
        429,
        'no fresh budget on either replica',
      );
    const other = await passwordGrant('luigi', 'luigi123');
    assert.equal(
      await call(1, { method: 'POST', url: '/api/checkout', headers: { authorization: `Bearer ${other}` } }),
      201,
      'another user has a budget of their own',
    );
  });

  test('cookie checkouts count per user: two sessions of one user on two replicas share one budget', async () => {
    const sessions = [];
    for (const _ of [1, 2]) {
      const browser = new Browser(system.origin);
      await browser.login('admin', 'admin123');
      const csrf = (await browser.json<{ csrfToken: string }>('/bff/user')).body.csrfToken;
      const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      sessions.push({ cookie, 'x-csrf-token': csrf, origin: system.origin });
    }
    const statuses: number[] = [];
    for (let index = 0; index < CHECKOUTS + 2; index += 1)
      statuses.push(
        await call(index, { method: 'POST', url: '/api/checkout', headers: sessions[index % 2]! }),
      );
    assert.deepEqual(statuses, [...Array(CHECKOUTS).fill(201), 429, 429]);
  });

  test('logins count per client IP (the one the load balancer appended) across replicas', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': `198.51.100.1, ${ip}` });
    const statuses: number[] = [];
    for (let index = 0; index < LOGINS + 1; index += 1)
      statuses.push(await call(index, { method: 'GET', url: '/bff/login', headers: from('203.0.113.7') }));
    assert.deepEqual(statuses, [...Array(LOGINS).fill(302), 429]);
    assert.equal(
      await call(1, { method: 'GET', url: '/bff/login', headers: from('203.0.113.8') }),
      302,
      'another client address is not limited',
    );
  });

  test('credential posts through /auth count per client IP across replicas', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9', 'content-type': 'application/x-www-form-urlencoded' };
    const guess = async (index: number) => {
      const url = '/auth/realms/techstore/protocol/openid-connect/token';
      const payload = 'grant_type=password&client_id=techstore-cli&username=mario&password=wrong';
      if (index % 2 === 1)
        return (await replica.app.inject({ method: 'POST', url, headers: from, payload })).statusCode;
      const response = await fetch(new URL(url, system.origin), {
        method: 'POST',
        headers: from,
        body: payload,
      });
      await response.body?.cancel();
      return response.status;
    };
    const statuses: number[] = [];
    for (let index = 0; index < CREDENTIAL_POSTS + 1; index += 1) statuses.push(await guess(index));
    assert.ok(
      statuses.slice(0, CREDENTIAL_POSTS).every((status) => status !== 429),
      `the first ${CREDENTIAL_POSTS} reach the idp: ${statuses.join(',')}`,
    );
    assert.equal(statuses.at(-1), 429, 'then the address is refused, whichever replica it reaches');
  });
});
