import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { startEchoUpstream } from '../testing/fake-upstream.ts';
import { buildTestGateway } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const TOKEN = '/auth/realms/techstore/protocol/openid-connect/token';
const LOGIN_FORM = '/auth/realms/techstore/login-actions/authenticate?session_code=a&execution=b&tab_id=c';

/**
 * Password spraying through the gateway: every credential post — the token endpoint (password
 * grant, client secrets) and the login form — counts against one per-client-IP limit, the same in
 * front of the embedded idp or Keycloak. The idp's per-user lockout cannot see an attacker trying
 * one password on each of many users; this limit does.
 */
describe('credential posts through /auth are limited per client IP', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  let idp: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    idp = await startEchoUpstream();
  });
  after(async () => {
    await gateway?.app.close();
    await idp?.close();
    await database?.drop();
  });

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const post = (url: string, remoteAddress = '203.0.113.7') =>
    gateway.app.inject({
      method: 'POST',
      url,
      headers: form,
      payload: 'grant_type=password&client_id=techstore-cli&username=u&password=p',
      remoteAddress,
    });

  test('the token endpoint and the login form share one limit; past it 429 with Retry-After, nothing forwarded', async () => {
    gateway = await buildTestGateway(database.db, {
      IDP_URL: idp.url,
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '4',
    });
    for (const url of [TOKEN, LOGIN_FORM, TOKEN, LOGIN_FORM])
      assert.equal((await post(url)).statusCode, 200, url);
    const forwarded = idp.received.length;

    for (const url of [
      TOKEN,
      LOGIN_FORM,
      `${TOKEN}/`, // a trailing slash, another realm, an escaped letter: still a credential post
      '/auth/realms/other/protocol/openid-connect/token',
      '/auth/realms/techstore/protocol/openid-connect/%74oken',
      '/auth/realms/techstore/protocol/openid-connect/token/introspect',
    ]) {
      const refused = await post(url);
      assert.equal(refused.statusCode, 429, `${url}: ${refused.body}`);
      assert.equal(refused.json().code, 'GW_RATE_LIMITED');
      assert.match(String(refused.headers['retry-after']), /^\d+$/);
    }
    assert.equal(idp.received.length, forwarded, 'no refused post reached the idp');
  });

  test('other clients keep their own allowance, and reading pages is not counted', async () => {
    assert.equal((await post(TOKEN, '198.51.100.9')).statusCode, 200, 'another IP is not affected');
    const page = await gateway.app.inject({
      method: 'GET',
      url: '/auth/realms/techstore/protocol/openid-connect/auth?client_id=gateway',
      remoteAddress: '203.0.113.7',
    });
    assert.equal(page.statusCode, 200, 'the limited IP can still load the login page');
    const discovery = await gateway.app.inject({
      method: 'GET',
      url: '/auth/realms/techstore/.well-known/openid-configuration',
      remoteAddress: '203.0.113.7',
    });
    assert.equal(discovery.statusCode, 200);
  });
});
