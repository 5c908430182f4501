import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { Browser } from '../testing/browser.ts';
import { startGatewayWithIdp, type GatewayWithIdp } from '../testing/idp-harness.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

/** The idp's login form action for a login started at /bff/login (the form's POST target). */
async function formAction(browser: Browser, authorizeUrl: string): Promise<string> {
  const form = await browser.request(authorizeUrl);
  const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/
    .exec(await form.text())?.[1]
    ?.replaceAll('&amp;', '&');
  assert.ok(action, 'the idp login form');
  return action;
}

describe('two gateway replicas on one database with the real idp', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let system: GatewayWithIdp;
  let replica: Awaited<ReturnType<GatewayWithIdp['replica']>>;

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    // A long session cache makes "replica B read the session shortly before" certain, not a race.
    const env = { SESSION_CACHE_MS: '10000', RATE_LIMIT_LOGIN_PER_MINUTE: '1000' };
    system = await startGatewayWithIdp(database.db, env);
    replica = await system.replica(env);
  });
  after(async () => {
    await replica?.app.close();
    await system?.close();
    await database?.drop();
  });

  test('a returning visitor whose session replica B cached signs in with the callback on B', async () => {
    const browser = new Browser(system.origin);
    const first = await browser.request('/bff/login'); // an anonymous session exists (like a cart)
    assert.equal(first.status, 302);
    const cookie = () => [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const seen = await replica.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie: cookie() } });
    assert.equal(seen.statusCode, 200, 'replica B has read (and cached) the anonymous session');

    const start = await browser.request('/bff/login?returnTo=%2Fcart'); // replica A stores this login
    const action = await formAction(browser, start.headers.get('location') ?? '');
    const submitted = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'mario', password: 'mario123', credentialId: '' }).toString(),
    });
    const callback = new URL(submitted.headers.get('location') ?? '');
    assert.equal(callback.pathname, '/bff/callback');

    const answer = await replica.app.inject({
      method: 'GET',
      url: callback.pathname + callback.search,
      headers: { cookie: cookie() },
    });
    assert.equal(answer.statusCode, 302, answer.body);
    assert.equal(answer.headers.location, '/cart');
    const signedIn = [answer.headers['set-cookie']].flat().join(';');
    const session = /mockmart_session=([^;]+)/.exec(signedIn)?.[1];
    assert.ok(session, 'a new session cookie');
    const user = await system.gateway.app.inject({
      method: 'GET',
      url: '/bff/user',
      headers: { cookie: `mockmart_session=${session}` },
    });
    assert.equal(JSON.parse(user.body).authenticated, true, 'the other replica sees the sign-in');
  });

  test('a state no replica stored is still refused after the re-read (login CSRF)', async () => {
    const browser = new Browser(system.origin);
    await browser.request('/bff/login');
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await replica.app.inject({
      method: 'GET',
      url: '/bff/callback?code=forged&state=not-this-browsers-state',
      headers: { cookie },
    });
    assert.equal(answer.statusCode, 400);
    assert.equal(JSON.parse(answer.body).code, 'GW_LOGIN_STATE_INVALID');
  });

  test('the idp reports a refresh token inactive once a refresh spent it (what a replica taking over a stranded lease asks)', async () => {
    const browser = new Browser(system.origin);
    await browser.login('luigi', 'luigi123');
    const session = await system.gateway.app.gateway.store.load(
      browser.cookies.get('mockmart_session') ?? '',
    );
    const refreshToken = session?.secrets.tokens?.refreshToken;
    assert.ok(refreshToken);
    const { oidc } = system.gateway.app.gateway;
    assert.equal(await oidc.isRefreshTokenActive(refreshToken), true);
    const fresh = await oidc.refresh(refreshToken);
    assert.equal(await oidc.isRefreshTokenActive(refreshToken), false, 'rotated: the old one is spent');
    assert.equal(await oidc.isRefreshTokenActive(fresh.refreshToken ?? ''), true);
  });
});
