import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
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

/** Claim-by-claim comparison with Keycloak's recorded layouts in ./keycloak-layouts/ (order included). */
describe('token layouts', { timeout: 30_000 }, () => {
  let idp: Idp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(() => idp.close());

  test('client credentials: service-account layout, only the asked audience and its roles', async () => {
    const res = await postForm(
      oidcUrl(idp, 'token'),
      { grant_type: 'client_credentials', scope: 'payment-api' },
      basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), [
      'access_token',
      'expires_in',
      'refresh_expires_in',
      'token_type',
      'not-before-policy',
      'scope',
    ]);
    assert.equal(res.body.refresh_expires_in, 0);
    const { header, payload } = decodeJwt(res.body.access_token as string);
    assert.deepEqual(Object.keys(header), ['alg', 'typ', 'kid']);
    assert.equal(header.alg, 'RS256');
    assert.deepEqual(Object.keys(payload), [
      'exp',
      'iat',
      'jti',
      'iss',
      'aud',
      'sub',
      'typ',
      'azp',
      'resource_access',
      'scope',
      'client_id',
      'clientHost',
      'clientAddress',
    ]);
    assert.equal(payload.iss, 'http://localhost:8080/auth/realms/techstore');
    assert.equal(payload.aud, 'payment-service');
    assert.equal(payload.typ, 'Bearer');
    assert.equal(payload.azp, 'shop-api');
    assert.equal(payload.client_id, 'shop-api');
    assert.equal(payload.scope, 'payment-api');
    assert.equal((payload.exp as number) - (payload.iat as number), 300);
    assert.match(String(payload.jti), /^trrtcc:[0-9a-f-]{36}$/);
    assert.deepEqual(payload.resource_access, {
      'payment-service': { roles: ['payments:charge', 'payments:refund', 'payments:read'] },
    });
    assert.equal(payload.realm_access, undefined, 'no realm roles leak into service tokens');
  });

  // Least privilege: a checkout token can never adjust stock, read the mailbox or flip a fault.
  const shopApiScopes: Array<[scope: string, audience: string, roles: string[]]> = [
    ['inventory-api', 'inventory-service', ['stock:read', 'stock:reserve']],
    ['payment-api', 'payment-service', ['payments:charge', 'payments:refund', 'payments:read']],
    ['notification-api', 'notification-service', ['notifications:send']],
    ['inventory-admin', 'inventory-service', ['stock:admin']],
    ['notification-admin', 'notification-service', ['notifications:read']],
    ['inventory-faults', 'inventory-service', ['faults:manage']],
    ['payment-faults', 'payment-service', ['faults:manage']],
    ['notification-faults', 'notification-service', ['faults:manage']],
  ];
  for (const [scope, audience, roles] of shopApiScopes) {
    test(`shop-api with scope=${scope}: aud ${audience} only, roles ${roles.join(', ')} only`, async () => {
      const res = await postForm(
        oidcUrl(idp, 'token'),
        { grant_type: 'client_credentials', scope },
        basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET),
      );
      assert.equal(res.status, 200);
      const { payload } = decodeJwt(res.body.access_token as string);
      assert.equal(payload.aud, audience);
      assert.equal(payload.scope, scope);
      assert.deepEqual(payload.resource_access, { [audience]: { roles } });
    });
  }

  test('order-reconciler may not ask for the admin or fault scopes', async () => {
    for (const scope of ['inventory-admin', 'inventory-faults', 'payment-faults']) {
      const refused = await postForm(
        oidcUrl(idp, 'token'),
        { grant_type: 'client_credentials', scope },
        basic('order-reconciler', SECRETS.ORDER_RECONCILER_CLIENT_SECRET),
      );
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, {
        error: 'invalid_scope',
        error_description: `Invalid scopes: ${scope}`,
      });
    }
  });

  test('client credentials without an optional scope carries no audience at all', async () => {
    const res = await postForm(
      oidcUrl(idp, 'token'),
      { grant_type: 'client_credentials' },
      basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET),
    );
    const { payload } = decodeJwt(res.body.access_token as string);
    assert.equal(payload.aud, undefined);
    assert.equal(payload.resource_access, undefined);
  });

  test('order-reconciler gets only payments:read for payment-api', async () => {
    const res = await postForm(
      oidcUrl(idp, 'token'),
      { grant_type: 'client_credentials', scope: 'payment-api' },
      basic('order-reconciler', SECRETS.ORDER_RECONCILER_CLIENT_SECRET),
    );
    const { payload } = decodeJwt(res.body.access_token as string);
    assert.deepEqual(payload.resource_access, { 'payment-service': { roles: ['payments:read'] } });
    const refused = await postForm(
      oidcUrl(idp, 'token'),
      { grant_type: 'client_credentials', scope: 'notification-api' },
      basic('order-reconciler', SECRETS.ORDER_RECONCILER_CLIENT_SECRET),
    );
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, {
      error: 'invalid_scope',
      error_description: 'Invalid scopes: notification-api',
    });
  });

  test('password grant (techstore-cli): user layout, aud shop-api, can-checkout role, boolean canCheckout, ID token', async () => {
    const res = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'mario',
      password: 'mario123',
      scope: 'openid',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), [
      'access_token',
      'expires_in',
      'refresh_expires_in',
      'refresh_token',
      'token_type',
      'id_token',
      'not-before-policy',
      'session_state',
      'scope',
    ]);
    const { payload } = decodeJwt(res.body.access_token as string);
    assert.deepEqual(Object.keys(payload), [
      'exp',
      'iat',
      'jti',
      'iss',
      'aud',
      'sub',
      'typ',
      'azp',
      'sid',
      'acr',
      'realm_access',
      'scope',
      'email_verified',
      'name',
      'preferred_username',
      'given_name',
      'family_name',
      'email',
      'canCheckout',
    ]);
    assert.equal(payload.aud, 'shop-api');
    assert.equal(payload.sid, res.body.session_state);
    assert.equal(payload.scope, 'openid email profile');
    assert.equal(payload.canCheckout, true);
    assert.deepEqual([...(payload.realm_access as { roles: string[] }).roles].sort(), [
      'can-checkout',
      'user',
    ]);
    const refresh = decodeJwt(res.body.refresh_token as string);
    assert.equal(refresh.header.alg, 'HS512');
    assert.deepEqual(Object.keys(refresh.payload), [
      'exp',
      'iat',
      'jti',
      'iss',
      'aud',
      'sub',
      'typ',
      'azp',
      'sid',
      'scope',
    ]);
    assert.equal(refresh.payload.typ, 'Refresh');
    assert.equal(refresh.payload.aud, 'http://localhost:8080/auth/realms/techstore');
    const id = decodeJwt(res.body.id_token as string).payload;
    assert.equal(id.typ, 'ID');
    assert.equal(id.aud, 'techstore-cli');
    assert.equal(typeof id.at_hash, 'string');
    assert.equal(id.realm_access, undefined);
  });

  test('blocked has canCheckout false and no can-checkout role; noemail has no email claims', async () => {
    const blocked = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'blocked',
      password: 'blocked123',
    });
    const b = decodeJwt(blocked.body.access_token as string).payload;
    assert.equal(b.canCheckout, false);
    assert.deepEqual((b.realm_access as { roles: string[] }).roles, ['user']);
    const noemail = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'noemail',
      password: 'noemail123',
    });
    const n = decodeJwt(noemail.body.access_token as string).payload;
    assert.equal(n.email, undefined);
    assert.equal(n.canCheckout, undefined);
    assert.ok((n.realm_access as { roles: string[] }).roles.includes('can-checkout'));
  });

  test('code flow (gateway, PKCE S256): aud shop-api, nonce only in the ID token, tokens verify against the JWKS', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://localhost:8080/bff/callback';
    const auth = new URL(oidcUrl(idp, 'auth'));
    auth.search = new URLSearchParams({
      client_id: 'gateway',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 's-1',
      nonce: 'n-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const login = await browserLogin(auth.toString(), 'admin', 'admin123');
    const location = new URL(login.location);
    assert.equal(location.origin + location.pathname, redirectUri);
    assert.equal(location.searchParams.get('state'), 's-1');
    assert.equal(location.searchParams.get('iss'), 'http://localhost:8080/auth/realms/techstore');
    const code = location.searchParams.get('code') as string;
    const res = await postForm(
      oidcUrl(idp, 'token'),
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
      basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
    );
    assert.equal(res.status, 200);
    const jwks = createRemoteJWKSet(new URL(oidcUrl(idp, 'certs')));
    const { payload } = await jwtVerify(res.body.access_token as string, jwks, {
      issuer: idp.issuer('techstore'),
      audience: 'shop-api',
    });
    assert.deepEqual(Object.keys(payload), [
      'exp',
      'iat',
      'auth_time',
      'jti',
      'iss',
      'aud',
      'sub',
      'typ',
      'azp',
      'sid',
      'acr',
      'allowed-origins',
      'realm_access',
      'scope',
      'email_verified',
      'name',
      'preferred_username',
      'given_name',
      'family_name',
      'email',
      'canCheckout',
    ]);
    assert.equal(payload.nonce, undefined);
    assert.equal(payload.acr, '1');
    assert.deepEqual(payload['allowed-origins'], ['http://localhost:8080']);
    assert.deepEqual([...(payload.realm_access as { roles: string[] }).roles].sort(), [
      'admin',
      'can-checkout',
      'user',
    ]);
    const id = await jwtVerify(res.body.id_token as string, jwks, {
      issuer: idp.issuer('techstore'),
      audience: 'gateway',
    });
    assert.equal(id.payload.nonce, 'n-1');
    assert.equal(id.payload.sid, payload.sid);
  });

  test('iss is the configured public URL whatever Host the request came on', async () => {
    const res = await fetch(oidcUrl(idp, 'token'), {
      method: 'POST',
      headers: {
        host: 'evil.example',
        'content-type': 'application/x-www-form-urlencoded',
        ...basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET),
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await res.json()) as { access_token: string };
    assert.equal(decodeJwt(body.access_token).payload.iss, 'http://localhost:8080/auth/realms/techstore');
  });
});
