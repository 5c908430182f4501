import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Idp } from '../index.ts';
import {
  basic,
  browserLogin,
  decodeJwt,
  oidcUrl,
  postForm,
  SECRETS,
  startTestIdp,
} from '../testing/index.ts';

const REDIRECT = 'http://localhost:8080/bff/callback';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authUrl(idp: Idp, params: Record<string, string>): string {
  const url = new URL(oidcUrl(idp, 'auth'));
  url.search = new URLSearchParams({
    client_id: 'gateway',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid',
    state: 'st',
    ...params,
  }).toString();
  return url.toString();
}

describe('Keycloak error bodies and the idp’s own security', { timeout: 60_000 }, () => {
  let idp: Idp;
  let clock = Date.now();
  before(async () => {
    idp = await startTestIdp({ now: () => clock });
  });
  after(() => idp.close());
  const token = (form: Parameters<typeof postForm>[1], headers: Record<string, string> = {}) =>
    postForm(oidcUrl(idp, 'token'), form, headers);

  test('client authentication errors', async () => {
    const none = await token({ grant_type: 'client_credentials' });
    assert.deepEqual(
      [none.status, none.body],
      [401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' }],
    );
    const bad = await token({ grant_type: 'client_credentials' }, basic('shop-api', 'wrong'));
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, {
      error: 'unauthorized_client',
      error_description: 'Invalid client or Invalid client credentials',
    });
    const unknown = await token({
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'x',
    });
    assert.equal(unknown.status, 401);
    const noSecret = await token({ grant_type: 'client_credentials', client_id: 'shop-api' });
    assert.deepEqual([noSecret.status, noSecret.body.error], [401, 'unauthorized_client']);
  });

  test('grant type and grant permission errors', async () => {
    assert.deepEqual((await token({ client_id: 'techstore-cli' })).body, {
      error: 'invalid_request',
      error_description: 'Missing form parameter: grant_type',
    });
    const unsupported = await token({ grant_type: 'urn:x', client_id: 'techstore-cli' });
    assert.deepEqual(
      [unsupported.status, unsupported.body],
      [400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' }],
    );
    const noRopc = await token(
      { grant_type: 'password', username: 'mario', password: 'mario123' },
      basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
    );
    assert.deepEqual(
      [noRopc.status, noRopc.body],
      [
        400,
        { error: 'unauthorized_client', error_description: 'Client not allowed for direct access grants' },
      ],
    );
    const publicCc = await token({ grant_type: 'client_credentials', client_id: 'techstore-cli' });
    assert.deepEqual(
      [publicCc.status, publicCc.body],
      [
        401,
        {
          error: 'unauthorized_client',
          error_description: 'Public client not allowed to retrieve service account',
        },
      ],
    );
    const gatewayCc = await token(
      { grant_type: 'client_credentials' },
      basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
    );
    assert.deepEqual(gatewayCc.body, {
      error: 'unauthorized_client',
      error_description: 'Client not enabled to retrieve service account',
    });
  });

  test('a parameter sent twice is invalid_request "duplicated parameter" at token, introspection and revocation', async () => {
    const shopApi = basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET);
    const duplicated = { error: 'invalid_request', error_description: 'duplicated parameter' };
    const twice = await token(
      [
        ['grant_type', 'client_credentials'],
        ['scope', 'inventory-api'],
        ['scope', 'payment-api'],
      ],
      shopApi,
    );
    assert.deepEqual([twice.status, twice.body], [400, duplicated]);
    const issued = await token({ grant_type: 'client_credentials' }, shopApi);
    assert.equal(issued.status, 200, 'the same client without repetition gets its token');
    const accessToken = String(issued.body.access_token);
    for (const endpoint of ['token/introspect', 'revoke']) {
      const answer = await postForm(
        oidcUrl(idp, endpoint),
        [
          ['token', accessToken],
          ['token', 'other'],
        ],
        shopApi,
      );
      assert.deepEqual([answer.status, answer.body], [400, duplicated], endpoint);
    }
    // Client authentication comes first, as in Keycloak: a stranger learns nothing more.
    const stranger = await token([
      ['grant_type', 'client_credentials'],
      ['grant_type', 'client_credentials'],
    ]);
    assert.equal(stranger.body.error, 'invalid_client');
  });

  test('bad user credentials answer invalid_grant with the configured status; lockout looks the same', async () => {
    const bad = await token({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'luigi',
      password: 'nope',
    });
    assert.deepEqual(
      [bad.status, bad.body],
      [400, { error: 'invalid_grant', error_description: 'Invalid user credentials' }],
    );
    const unknown = await token({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'ghost',
      password: 'nope',
    });
    assert.deepEqual(unknown.body, bad.body);
    const missing = await token({ grant_type: 'password', client_id: 'techstore-cli', password: 'x' });
    assert.deepEqual(
      [missing.status, missing.body],
      [401, { error: 'invalid_request', error_description: 'Missing parameter: username' }],
    );
    for (let i = 0; i < 5; i++) {
      clock += 2000; // slower than quickLoginCheckMilliSeconds
      await token({
        grant_type: 'password',
        client_id: 'techstore-cli',
        username: 'luigi',
        password: 'nope',
      });
    }
    const locked = await token({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'luigi',
      password: 'luigi123',
    });
    assert.deepEqual(
      [locked.status, locked.body],
      [400, bad.body],
      'the right password is refused while locked, with the same answer',
    );
    clock += 61_000;
    const after = await token({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'luigi',
      password: 'luigi123',
    });
    assert.equal(after.status, 200);
  });

  test('codes: single use, PKCE mismatch consumes the code, reuse revokes the tokens issued from it', async () => {
    const { verifier, challenge } = pkce();
    const login = await browserLogin(
      authUrl(idp, { code_challenge: challenge, code_challenge_method: 'S256' }),
      'mario',
      'mario123',
    );
    const code = new URL(login.location).searchParams.get('code') as string;
    const gw = basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET);
    const ok = await token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
      gw,
    );
    assert.equal(ok.status, 200);
    const reuse = await token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
      gw,
    );
    assert.deepEqual(
      [reuse.status, reuse.body],
      [400, { error: 'invalid_grant', error_description: 'Code not valid' }],
    );
    const refresh = await token(
      { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token as string },
      gw,
    );
    assert.deepEqual(
      refresh.body.error,
      'invalid_grant',
      'the refresh token from the reused code no longer works',
    );
    const introspect = await postForm(
      oidcUrl(idp, 'token/introspect'),
      { token: ok.body.access_token as string },
      basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET),
    );
    assert.deepEqual(introspect.body, { active: false });

    const second = pkce();
    const login2 = await browserLogin(
      authUrl(idp, { code_challenge: second.challenge, code_challenge_method: 'S256' }),
      'mario',
      'mario123',
      login.cookies,
    );
    const code2 = new URL(login2.location).searchParams.get('code') as string;
    const mismatch = await token(
      {
        grant_type: 'authorization_code',
        code: code2,
        redirect_uri: REDIRECT,
        code_verifier: pkce().verifier,
      },
      gw,
    );
    assert.deepEqual(mismatch.body, {
      error: 'invalid_grant',
      error_description: 'PKCE verification failed: Code mismatch',
    });
    const retry = await token(
      {
        grant_type: 'authorization_code',
        code: code2,
        redirect_uri: REDIRECT,
        code_verifier: second.verifier,
      },
      gw,
    );
    assert.deepEqual(retry.body, { error: 'invalid_grant', error_description: 'Code not valid' });
  });

  test('authorization request: unregistered redirect_uri is an error page, never a redirect; PKCE is required', async () => {
    const evil = await fetch(authUrl(idp, { redirect_uri: 'https://evil.example/cb' }), {
      redirect: 'manual',
    });
    assert.equal(evil.status, 400);
    assert.match(await evil.text(), /Invalid parameter: redirect_uri/);
    const prefix = await fetch(authUrl(idp, { redirect_uri: `${REDIRECT}/../x` }), { redirect: 'manual' });
    assert.equal(prefix.status, 400);
    const noPkce = await fetch(authUrl(idp, {}), { redirect: 'manual' });
    assert.equal(noPkce.status, 302);
    const loc = new URL(noPkce.headers.get('location') as string);
    assert.equal(loc.searchParams.get('error'), 'invalid_request');
    assert.equal(loc.searchParams.get('error_description'), 'Missing parameter: code_challenge_method');
  });

  test('authorization request: a parameter sent twice is redirected back as invalid_request "duplicated parameter"', async () => {
    const { challenge } = pkce();
    const url = new URL(authUrl(idp, { code_challenge: challenge, code_challenge_method: 'S256' }));
    url.searchParams.append('scope', 'openid offline_access');
    const twice = await fetch(url, { redirect: 'manual' });
    assert.equal(twice.status, 302);
    const loc = new URL(twice.headers.get('location') as string);
    assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT);
    assert.equal(loc.searchParams.get('error'), 'invalid_request');
    assert.equal(loc.searchParams.get('error_description'), 'duplicated parameter');
    assert.equal(loc.searchParams.get('state'), 'st');
    // An unregistered redirect_uri is still an error page first: no redirect to it.
    const evil = new URL(authUrl(idp, { redirect_uri: 'https://evil.example/cb' }));
    evil.searchParams.append('state', 'again');
    assert.equal((await fetch(evil, { redirect: 'manual' })).status, 400);
  });

  test('login form is CSRF-safe: a post without the session cookie is refused', async () => {
    const { challenge } = pkce();
    const page = await fetch(authUrl(idp, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const html = await page.text();
    for (const id of ['username', 'password', 'kc-login']) assert.match(html, new RegExp(`id="${id}"`));
    const action = (/action="([^"]+)"/.exec(html)?.[1] as string).replaceAll('&amp;', '&');
    const forged = await fetch(new URL(oidcUrl(idp, 'auth')).origin + action, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=mario&password=mario123',
    });
    assert.equal(forged.status, 400);
    assert.equal(forged.headers.get('location'), null);
  });

  test('refresh rotation: the old refresh token is stale after use', async () => {
    const first = await token({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'admin',
      password: 'admin123',
    });
    const second = await token({
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: first.body.refresh_token as string,
    });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.refresh_token, first.body.refresh_token);
    const stale = await token({
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: first.body.refresh_token as string,
    });
    assert.deepEqual(stale.body, {
      error: 'invalid_grant',
      error_description: 'Maximum allowed refresh token reuse exceeded',
    });
  });

  test('sessions end after the idle timeout', async () => {
    const first = await token({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'admin',
      password: 'admin123',
    });
    clock += 1801_000;
    const expired = await token({
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: first.body.refresh_token as string,
    });
    assert.equal(expired.body.error, 'invalid_grant');
  });

  test('logout: unregistered post_logout_redirect_uri is refused; a valid id_token_hint logs out and redirects with state', async () => {
    const login = await token({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'admin',
      password: 'admin123',
      scope: 'openid',
    });
    const idToken = login.body.id_token as string;
    const openRedirect = await fetch(
      `${oidcUrl(idp, 'logout')}?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/' })}`,
      { redirect: 'manual' },
    );
    assert.equal(openRedirect.status, 400);
    assert.match(await openRedirect.text(), /Invalid redirect uri/);
    const missing = await fetch(
      `${oidcUrl(idp, 'logout')}?post_logout_redirect_uri=${encodeURIComponent('http://localhost:8080/')}`,
      { redirect: 'manual' },
    );
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /Missing parameters: id_token_hint/);
    const confirm = await fetch(`${oidcUrl(idp, 'logout')}?client_id=gateway`, { redirect: 'manual' });
    assert.equal(confirm.status, 200);
    assert.match(await confirm.text(), /Do you want to log out\?/);
    const out = await fetch(`${oidcUrl(idp, 'logout')}?${new URLSearchParams({ id_token_hint: idToken })}`, {
      redirect: 'manual',
    });
    assert.equal(out.status, 200);
    const refresh = await token({
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: login.body.refresh_token as string,
    });
    assert.equal(refresh.body.error, 'invalid_grant');
    void decodeJwt;
  });
});
