import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Idp } from '../index.ts';
import { browserLogin, SECRETS, startTestIdp } from '../testing/index.ts';

/**
 * Conformance against a client nobody here wrote (panva/oauth4webapi): discovery, code + PKCE,
 * refresh, client credentials, introspection, revocation, userinfo, then RP-initiated logout
 * with the back-channel logout token delivered to the "gateway".
 */
describe('oauth4webapi against the idp', { timeout: 30_000 }, () => {
  let idp: Idp;
  let gateway: Server;
  let gatewayUrl: string;
  const logoutTokens: string[] = [];
  const insecure = { [oauth.allowInsecureRequests]: true };

  before(async () => {
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/bff/backchannel-logout')
          logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    // publicUrl defaults to the idp's own origin, so the discovered endpoints are reachable.
    idp = await startTestIdp({ publicUrl: undefined, env: { ...SECRETS, GATEWAY_PUBLIC_URL: gatewayUrl } });
  });
  after(async () => {
    await idp.close();
    await new Promise((resolve) => gateway.close(resolve));
  });

  test('the whole flow', async () => {
    const issuer = new URL(idp.issuer('techstore'));
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oidc' }),
    );
    const gatewayClient: oauth.Client = { client_id: 'gateway' };
    const gatewayAuth = oauth.ClientSecretBasic(SECRETS.GATEWAY_CLIENT_SECRET);
    const redirectUri = `${gatewayUrl}/bff/callback`;

    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const authUrl = new URL(as.authorization_endpoint as string);
    authUrl.search = new URLSearchParams({
      client_id: 'gateway',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid offline_access',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const login = await browserLogin(authUrl.toString(), 'mario', 'mario123');
    const params = oauth.validateAuthResponse(as, gatewayClient, new URL(login.location), state);
    const codeResponse = await oauth.authorizationCodeGrantRequest(
      as,
      gatewayClient,
      gatewayAuth,
      params,
      redirectUri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, gatewayClient, codeResponse, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    assert.equal(tokens.token_type, 'bearer');
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    assert.equal(claims?.iss, idp.issuer('techstore'));

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      gatewayClient,
      await oauth.refreshTokenGrantRequest(
        as,
        gatewayClient,
        gatewayAuth,
        tokens.refresh_token as string,
        insecure,
      ),
    );
    assert.ok(refreshed.access_token);

    const userinfo = await oauth.processUserInfoResponse(
      as,
      gatewayClient,
      claims?.sub as string,
      await oauth.userInfoRequest(as, gatewayClient, refreshed.access_token, insecure),
    );
    assert.equal(userinfo.preferred_username, 'mario');
    assert.equal(userinfo.email, 'mario.rossi@example.com');

    const shopApi: oauth.Client = { client_id: 'shop-api' };
    const shopAuth = oauth.ClientSecretBasic(SECRETS.SHOP_API_CLIENT_SECRET);
    const introspection = await oauth.processIntrospectionResponse(
      as,
      shopApi,
      await oauth.introspectionRequest(as, shopApi, shopAuth, refreshed.access_token, insecure),
    );
    assert.equal(introspection.active, true);
    assert.equal(introspection.username, 'mario');
    assert.equal(introspection.client_id, 'gateway');

    const cc = await oauth.processClientCredentialsResponse(
      as,
      shopApi,
      await oauth.clientCredentialsGrantRequest(as, shopApi, shopAuth, { scope: 'inventory-api' }, insecure),
    );
    assert.equal(cc.scope, 'inventory-api');
    const inventory: oauth.Client = { client_id: 'inventory-service' };
    const invAuth = oauth.ClientSecretBasic(SECRETS.INVENTORY_CLIENT_SECRET);
    const asInventory = await oauth.processIntrospectionResponse(
      as,
      inventory,
      await oauth.introspectionRequest(as, inventory, invAuth, cc.access_token, insecure),
    );
    assert.equal(asInventory.active, true, 'inventory-service is in aud');
    const asPayment = await oauth.processIntrospectionResponse(
      as,
      { client_id: 'payment-service' },
      await oauth.introspectionRequest(
        as,
        { client_id: 'payment-service' },
        oauth.ClientSecretBasic(SECRETS.PAYMENT_CLIENT_SECRET),
        cc.access_token,
        insecure,
      ),
    );
    assert.equal(asPayment.active, false, 'KC 26.6.2 audience check: payment-service is not in aud');

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, shopApi, shopAuth, cc.access_token, insecure),
    );
    const revoked = await oauth.processIntrospectionResponse(
      as,
      inventory,
      await oauth.introspectionRequest(as, inventory, invAuth, cc.access_token, insecure),
    );
    assert.equal(revoked.active, false);

    // RP-initiated logout with id_token_hint → back-channel logout token to the gateway.
    const logoutUrl = new URL(as.end_session_endpoint as string);
    logoutUrl.search = new URLSearchParams({
      id_token_hint: refreshed.id_token as string,
      post_logout_redirect_uri: `${gatewayUrl}/`,
      state: 'bye',
    }).toString();
    const logout = await fetch(logoutUrl, { redirect: 'manual' });
    assert.equal(logout.status, 302);
    assert.equal(logout.headers.get('location'), `${gatewayUrl}/?state=bye`);
    assert.equal(logoutTokens.length, 1);
    const jwks = createRemoteJWKSet(new URL(as.jwks_uri as string));
    const { payload, protectedHeader } = await jwtVerify(logoutTokens[0] as string, jwks, {
      issuer: idp.issuer('techstore'),
      audience: 'gateway',
      typ: 'logout+jwt',
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sid, claims?.sid);
    // The gateway client asks for its offline tokens to be revoked too (Keycloak's extra event field).
    assert.deepEqual(payload.events, {
      'http://schemas.openid.net/event/backchannel-logout': {},
      revoke_offline_access: true,
    });
    assert.equal(payload.nonce, undefined);
    const afterLogout = await oauth.processIntrospectionResponse(
      as,
      shopApi,
      await oauth.introspectionRequest(as, shopApi, shopAuth, refreshed.access_token, insecure),
    );
    assert.equal(afterLogout.active, false);
  });
});
