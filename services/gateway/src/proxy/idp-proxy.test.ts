import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { startEchoUpstream, type Received } from '../testing/fake-upstream.ts';
import { rawRequest } from '../testing/raw-http.ts';
import { buildTestGateway } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

describe('/auth/* proxy to the idp', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  let idp: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    idp = await startEchoUpstream();
    gateway = await buildTestGateway(database.db, {
      IDP_URL: idp.url,
      GATEWAY_PUBLIC_URL: 'https://shop.example',
      KEYCLOAK_PUBLIC_URL: 'https://shop.example',
    });
  });
  after(async () => {
    await gateway?.app.close();
    await idp?.close();
    await database?.drop();
  });

  test('keeps the public Host, describes the public URL in X-Forwarded-*, and drops only the gateway cookie', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/auth/realms/techstore/protocol/openid-connect/auth?client_id=gateway',
      headers: {
        host: 'shop.example',
        cookie: '__Host-mockmart_session=secret-session-id; KEYCLOAK_IDENTITY=kc',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-user': 'admin',
      },
    });
    assert.equal(response.statusCode, 200);
    const seen = JSON.parse(response.body) as Received;
    assert.equal(seen.url, '/auth/realms/techstore/protocol/openid-connect/auth?client_id=gateway');
    assert.equal(seen.headers.host, 'shop.example');
    assert.equal(seen.headers['x-forwarded-host'], 'shop.example');
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-user'], undefined);
    assert.equal(seen.headers.cookie, 'KEYCLOAK_IDENTITY=kc');
    assert.match(
      String(response.headers['set-cookie']),
      /upstream=1/,
      "the idp's own cookies reach the browser",
    );
  });

  test('hop-by-hop request headers and Proxy-Authorization do not reach the idp', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/auth/realms/techstore/.well-known/openid-configuration',
      headers: {
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
        te: 'trailers',
        connection: 'keep-alive, x-hop-only',
        'x-hop-only': '1',
      },
    });
    const seen = JSON.parse(response.body) as Received;
    for (const name of ['proxy-authorization', 'te', 'x-hop-only'])
      assert.equal(seen.headers[name], undefined, name);
  });

  test('leaves framing and cross-origin headers to the idp (keycloak-js frames its login-status page)', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/auth/realms/techstore/protocol/openid-connect/login-status-iframe.html',
      headers: { host: 'shop.example' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-frame-options'], undefined);
    assert.equal(response.headers['content-security-policy'], undefined);
    assert.equal(response.headers['cross-origin-resource-policy'], undefined);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', 'neutral hardening still applies');
  });

  test('streams form posts through unchanged (the login form)', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/auth/realms/techstore/login-actions/authenticate?code=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=mario&password=secret',
    });
    assert.equal((JSON.parse(response.body) as Received).body, 'username=mario&password=secret');
  });

  test('does not publish the admin console, the master realm or the idp operator endpoints', async () => {
    for (const url of [
      '/auth/admin/master/console/',
      '/auth/admin/realms/techstore/users',
      '/auth/realms/master/protocol/openid-connect/token',
      '/auth/idp-admin/stats',
      '/auth/idp-admin/realms/techstore/rotate-keys',
    ]) {
      const response = await gateway.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
    }
  });

  test('does not publish them under dot segments or percent-encoded names either', async () => {
    // The idp's router (and Keycloak's) decodes `%61` to `a`, and the proxy's URL parser resolves
    // `/./`, so each of these would otherwise reach the admin REST API or the master realm.
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const before = idp.received.length;
    for (const url of [
      '/auth/./admin/realms/techstore/users',
      '/auth/%2e/admin/realms/techstore/users',
      '/auth/%61dmin/realms/techstore/users',
      '/auth/ADMIN/realms/techstore/users',
      '/auth//admin/realms/techstore/users',
      '/auth/realms/./master/protocol/openid-connect/token',
      '/auth/realms/%6Daster/protocol/openid-connect/token',
      '/auth/realms/techstore/%2e%2e/master/protocol/openid-connect/token',
      '/auth/realms/techstore/..%2fmaster/protocol/openid-connect/token',
      '/auth/realms/techstore%2f..%2fmaster/protocol/openid-connect/token',
    ]) {
      const response = await rawRequest(gateway.app, 'GET', url);
      assert.ok([400, 404].includes(response.status), `${url} answered ${response.status}`);
    }
    assert.equal(idp.received.length, before, 'none of them reached the idp');
    const normal = await rawRequest(gateway.app, 'GET', '/auth/realms/techstore/account/?x=a/./b');
    assert.equal(normal.status, 200, 'dot segments in the query are not a path');
  });

  test('an unreachable idp is a 502 problem', async () => {
    const { app } = await buildTestGateway(database.db, { IDP_URL: 'http://127.0.0.1:9' });
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/auth/realms/techstore/.well-known/openid-configuration',
      });
      assert.equal(response.statusCode, 502);
      assert.equal(response.json().code, 'GW_UPSTREAM_UNAVAILABLE');
    } finally {
      await app.close();
    }
  });
});
