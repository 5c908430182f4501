import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import type { Idp, RealmRep } from '../index.ts';
import {
  basic,
  browserLogin,
  cookieJar,
  decodeJwt,
  oidcUrl,
  postForm,
  REALM_FILE,
  DEV_USERS_FILE,
  SECRETS,
  startTestIdp,
} from '../testing/index.ts';

const REDIRECT = 'http://localhost:8080/bff/callback';

/** A realm with short SSO lifetimes, so the maximum lifespan is reached in a few clock steps. */
const shortRealm: RealmRep = {
  realm: 'short',
  ssoSessionIdleTimeout: 600,
  ssoSessionMaxLifespan: 1000,
  users: [
    {
      username: 'walker',
      enabled: true,
      realmRoles: ['default-roles-short'],
      credentials: [{ type: 'password', value: 'walker-password', temporary: false }],
    },
  ],
  clients: [
    {
      clientId: 'short-cli',
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
    },
  ],
};

/** Lifetimes with the injectable clock, the logout confirmation and the public realm documents. */
describe('lifetimes, logout confirmation and realm documents', { timeout: 60_000 }, () => {
  let idp: Idp;
  let clock = Date.now();
  before(async () => {
    idp = await startTestIdp({
      now: () => clock,
      realmFiles: [REALM_FILE, DEV_USERS_FILE],
      realms: [shortRealm],
    });
  });
  after(() => idp.close());

  const token = (form: Record<string, string>, realm = 'techstore', headers: Record<string, string> = {}) =>
    postForm(oidcUrl(idp, 'token', realm), form, headers);

  async function gatewayCode(username: string, password: string) {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(oidcUrl(idp, 'auth'));
    url.search = new URLSearchParams({
      client_id: 'gateway',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      state: 'st',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const login = await browserLogin(url.toString(), username, password);
    const code = new URL(login.location).searchParams.get('code') as string;
    const exchange = () =>
      token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
        'techstore',
        basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
      );
    return { exchange, cookies: login.cookies };
  }

  test('offline_access gives an Offline refresh token that outlives the SSO session', async () => {
    const ask = (scope?: string) =>
      token({
        grant_type: 'password',
        client_id: 'techstore-cli',
        username: 'mario',
        password: 'mario123',
        ...(scope ? { scope } : {}),
      });
    const offline = await ask('offline_access');
    const online = await ask();
    assert.equal(offline.status, 200, JSON.stringify(offline.body));
    const refresh = decodeJwt(offline.body.refresh_token as string).payload;
    assert.equal(refresh.typ, 'Offline');
    assert.equal(decodeJwt(online.body.refresh_token as string).payload.typ, 'Refresh');
    clock += 36_001_000; // past ssoSessionMaxLifespan (10 h), well inside the offline idle time (30 d)
    const again = await token({
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: offline.body.refresh_token as string,
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(decodeJwt(again.body.refresh_token as string).payload.typ, 'Offline');
    const dead = await token({
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: online.body.refresh_token as string,
    });
    assert.equal(dead.body.error, 'invalid_grant');
  });

  test('an authorization code expires after accessCodeLifespan (60 s)', async () => {
    const fresh = await gatewayCode('luigi', 'luigi123');
    clock += 59_000;
    assert.equal((await fresh.exchange()).status, 200);
    const late = await gatewayCode('luigi', 'luigi123');
    clock += 61_000;
    const res = await late.exchange();
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'Code not valid' });
  });

  test('a session ends at ssoSessionMaxLifespan however often it is refreshed', async () => {
    const refresh = (refreshToken: string) =>
      token({ grant_type: 'refresh_token', client_id: 'short-cli', refresh_token: refreshToken }, 'short');
    const login = await token(
      { grant_type: 'password', client_id: 'short-cli', username: 'walker', password: 'walker-password' },
      'short',
    );
    assert.equal(login.status, 200, JSON.stringify(login.body));
    clock += 500_000;
    const first = await refresh(login.body.refresh_token as string);
    assert.equal(first.status, 200);
    clock += 400_000; // 900 s in: idle restarted at 500 s, so only the maximum (1000 s) is near
    const second = await refresh(first.body.refresh_token as string);
    assert.equal(second.status, 200);
    assert.equal(second.body.refresh_expires_in, 100, 'the refresh token ends with the session maximum');
    assert.ok((second.body.expires_in as number) <= 100, 'so does the access token');
    clock += 101_000; // 1001 s in: within the idle timeout, past the maximum
    const ended = await refresh(second.body.refresh_token as string);
    assert.equal(ended.status, 400);
    assert.equal(ended.body.error, 'invalid_grant');
  });

  test('logout with client_id only: a confirmation page whose POST ends the SSO session and redirects with state', async () => {
    const { exchange, cookies } = await gatewayCode('admin', 'admin123');
    const tokens = await exchange();
    const page = await fetch(
      `${oidcUrl(idp, 'logout')}?${new URLSearchParams({ client_id: 'gateway', post_logout_redirect_uri: 'http://localhost:8080/', state: 'bye' })}`,
      { redirect: 'manual', headers: { cookie: cookies } },
    );
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Do you want to log out\?/);
    const action = /id="kc-logout-confirm" action="([^"]+)"/.exec(html)?.[1] as string;
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    const jar = cookieJar(page.headers.getSetCookie(), cookies);
    const form = {
      session_code: field('session_code'),
      client_id: field('client_id'),
      post_logout_redirect_uri: field('post_logout_redirect_uri').replaceAll('&#x2F;', '/'),
      state: field('state'),
    };
    const post = (cookie: string) =>
      fetch(new URL(action, idp.url), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams(form).toString(),
      });
    assert.equal((await post(cookies)).status, 400, 'not without the confirmation cookie of this browser');
    const confirmed = await post(jar);
    assert.equal(confirmed.status, 302);
    assert.equal(confirmed.headers.get('location'), 'http://localhost:8080/?state=bye');
    const refreshed = await token(
      { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string },
      'techstore',
      basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
    );
    assert.equal(refreshed.body.error, 'invalid_grant', 'the session is gone');
  });

  test('GET /realms/{realm}: the public realm info, its key the one the JWKS publishes', async () => {
    const res = await fetch(`${idp.baseUrl}/realms/techstore`);
    assert.equal(res.status, 200);
    const info = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(info), [
      'realm',
      'public_key',
      'token-service',
      'account-service',
      'tokens-not-before',
    ]);
    assert.equal(info.realm, 'techstore');
    assert.equal(
      info['token-service'],
      'http://localhost:8080/auth/realms/techstore/protocol/openid-connect',
    );
    assert.equal(info['account-service'], 'http://localhost:8080/auth/realms/techstore/account');
    assert.equal(info['tokens-not-before'], 0);
    const jwk = createPublicKey({
      key: Buffer.from(info.public_key as string, 'base64'),
      format: 'der',
      type: 'spki',
    }).export({ format: 'jwk' });
    const jwks = (await (await fetch(oidcUrl(idp, 'certs'))).json()) as { keys: { n: string }[] };
    assert.equal(jwk.n, jwks.keys[0]?.n);
    const unknown = await fetch(`${idp.baseUrl}/realms/nowhere`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), {
      error: 'Realm does not exist',
      error_description: 'For more on this error consult the server log.',
    });
  });

  test('discovery advertises no front-channel logout (not implemented), but back-channel logout', async () => {
    const doc = (await (
      await fetch(`${idp.baseUrl}/realms/techstore/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    assert.equal(doc.frontchannel_logout_supported, undefined);
    assert.equal(doc.frontchannel_logout_session_supported, undefined);
    assert.equal(doc.backchannel_logout_supported, true);
  });
});
