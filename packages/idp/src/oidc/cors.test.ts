import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Idp } from '../index.ts';
import { SECRETS, basic, oidcUrl, startTestIdp } from '../testing/index.ts';

describe('CORS for browser clients (as Keycloak answers it)', { timeout: 30_000 }, () => {
  let idp: Idp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => idp?.close());

  const tokenRequest = (origin: string) =>
    fetch(oidcUrl(idp, 'token'), {
      method: 'POST',
      headers: {
        origin,
        'content-type': 'application/x-www-form-urlencoded',
        ...basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-token' }),
    });

  test("the token endpoint echoes the calling client's web origin, with credentials, even on errors", async () => {
    const response = await tokenRequest('http://localhost:8080');
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:8080');
    assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
  });

  test('another origin gets no CORS header at all (never *)', async () => {
    const response = await tokenRequest('https://evil.example');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  test('a preflight is answered; discovery and keys are public documents', async () => {
    const preflight = await fetch(oidcUrl(idp, 'token'), {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:8080');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const certs = await fetch(oidcUrl(idp, 'certs'), { headers: { origin: 'https://any.example' } });
    assert.equal(certs.headers.get('access-control-allow-origin'), '*');
  });

  test('the login page lets its form redirect to a client on another origin (no form-action)', async () => {
    const url = new URL(oidcUrl(idp, 'auth'));
    url.search = new URLSearchParams({
      client_id: 'gateway',
      response_type: 'code',
      redirect_uri: 'http://localhost:8080/bff/callback',
      scope: 'openid',
      state: 's',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    }).toString();
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /form-action/);
  });
});
