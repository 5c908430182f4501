// One test per integration problem of the original MockMart (seed article 000): each reproduces the
// original's failure mode and shows this library holds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import {
  createAccessTokenVerifier,
  createTokenProvider,
  keycloakEndpoints,
  parseBooleanClaim,
  requireServiceAccount,
} from './index.ts';
import { authPlugin } from './fastify/index.ts';
import { captureLogger, silentLogger, startTestIssuer } from './testing/index.ts';
import type { TestIssuer } from './testing/index.ts';

describe('the six integration problems', { timeout: 30_000 }, () => {
  // The IdP is reached on 127.0.0.1:<port> (internal) but stamps the public issuer, as behind the gateway.
  let issuer: TestIssuer;
  const publicUrl = 'http://localhost:8080';

  before(async () => {
    issuer = await startTestIssuer({ publicUrl, relativePath: '/auth' });
  });
  after(async () => {
    await issuer.close();
  });

  const idpFor = (overrides: { publicUrl?: string; realm?: string } = {}) =>
    keycloakEndpoints({
      publicUrl: overrides.publicUrl ?? publicUrl,
      internalUrl: issuer.url,
      realm: overrides.realm ?? 'techstore',
      relativePath: '/auth',
    });

  test('problem 1 (issuer mismatch): a token fetched through the internal URL is accepted because its iss is the public one', async () => {
    const tokens = createTokenProvider({
      tokenEndpoint: idpFor().tokenEndpoint,
      clientId: 'shop-api',
      clientSecret: issuer.clientSecret('shop-api'),
      logger: silentLogger,
    });
    assert.ok(idpFor().tokenEndpoint.startsWith(issuer.url), 'token requested on the internal URL');
    const token = await tokens.getToken({ scope: 'payment-api' });
    const verifier = createAccessTokenVerifier({
      idp: idpFor(),
      audience: 'payment-service',
      logger: silentLogger,
    });
    const principal = await verifier.verify(token);
    assert.equal(principal.issuer, 'http://localhost:8080/auth/realms/techstore');

    // The original failure: validating against an issuer built from the internal URL → 401, with both values logged.
    const logger = captureLogger();
    const naive = createAccessTokenVerifier({
      idp: keycloakEndpoints({ publicUrl: issuer.url, realm: 'techstore', relativePath: '/auth' }),
      audience: 'payment-service',
      logger,
    });
    await assert.rejects(naive.verify(token), { code: 'AUTH_TOKEN_INVALID', reason: 'iss_mismatch' });
    assert.match(
      logger.text(),
      /iss_mismatch expected=http:\/\/127\.0\.0\.1:\d+\/auth\/realms\/techstore actual=http:\/\/localhost:8080\/auth\/realms\/techstore/,
    );
  });

  test('problem 1 (issuer mismatch): the start-up check names both URLs and the setting to change', async () => {
    const verifier = createAccessTokenVerifier({
      idp: idpFor({ publicUrl: 'https://shop.example.com' }),
      audience: 'shop-api',
      logger: silentLogger,
    });
    await assert.rejects(verifier.checkIssuer({ waitMs: 0 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'AUTH_ISSUER_MISMATCH');
      assert.ok(
        error.message.includes('https://shop.example.com/auth/realms/techstore'),
        'configured issuer',
      );
      assert.ok(error.message.includes('http://localhost:8080/auth/realms/techstore'), 'discovered issuer');
      assert.ok(
        error.message.includes(`${issuer.url}/auth/realms/techstore/.well-known/openid-configuration`),
        'where it looked',
      );
      assert.match(error.message, /KEYCLOAK_PUBLIC_URL/);
      return true;
    });
    const logger = captureLogger();
    const lenient = createAccessTokenVerifier({
      idp: idpFor({ publicUrl: 'https://shop.example.com' }),
      audience: 'shop-api',
      logger,
      onIssuerMismatch: 'warn',
    });
    assert.equal((await lenient.checkIssuer({ waitMs: 0 })).ok, false);
    assert.equal(logger.entries.filter((entry) => entry.level === 'warn').length, 1);
    assert.equal(
      (
        await createAccessTokenVerifier({
          idp: idpFor(),
          audience: 'shop-api',
          logger: silentLogger,
        }).checkIssuer()
      ).ok,
      true,
    );
  });

  test('problem 2 (audience not validated): a token for another audience is refused with 401', async () => {
    const shopToken = await issuer.userToken({ audience: 'shop-api' });
    const paymentToken = await issuer.serviceToken({
      clientId: 'shop-api',
      audience: 'payment-service',
      clientRoles: { 'payment-service': ['payments:charge'] },
    });
    const payment = createAccessTokenVerifier({
      idp: idpFor(),
      audience: 'payment-service',
      logger: silentLogger,
    });
    const inventory = createAccessTokenVerifier({
      idp: idpFor(),
      audience: 'inventory-service',
      logger: silentLogger,
    });
    await assert.rejects(payment.verify(shopToken), { status: 401, reason: 'aud_mismatch' });
    await assert.rejects(inventory.verify(paymentToken), { status: 401, reason: 'aud_mismatch' });
    assert.equal((await payment.verify(paymentToken)).clientId, 'shop-api');
    // Forgetting the audience is a start-up error; turning the check off must be explicit and is logged.
    assert.throws(
      () => createAccessTokenVerifier({ idp: idpFor(), audience: undefined as unknown as string }),
      { code: 'AUTH_CONFIG_INVALID' },
    );
    const logger = captureLogger();
    createAccessTokenVerifier({ idp: idpFor(), audience: false, logger });
    assert.match(logger.text(), /audience check DISABLED/);
  });

  test('problem 3 (fragile service-account detection): a user token without e-mail is not a service account', async () => {
    const token = await issuer.userToken({
      username: 'noemail',
      email: null,
      azp: 'shop-api',
      audience: 'notification-service',
      clientRoles: { 'notification-service': ['notifications:send'] },
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const originalHeuristic = !claims.email && Boolean(claims.azp || claims.clientId);
    assert.equal(originalHeuristic, true, 'the original code took this user for a service account');
    const verifier = createAccessTokenVerifier({
      idp: idpFor(),
      audience: 'notification-service',
      logger: silentLogger,
    });
    assert.equal((await verifier.verify(token)).isServiceAccount, false);

    const app = Fastify();
    await app.register(authPlugin, { verifier });
    app.post(
      '/api/notifications/order',
      {
        config: {
          auth: requireServiceAccount({ clientRoles: { 'notification-service': ['notifications:send'] } }),
        },
      },
      async () => ({ sent: true }),
    );
    const asUser = await app.inject({
      method: 'POST',
      url: '/api/notifications/order',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(asUser.statusCode, 403);
    // Another confidential client's genuine service token, without the role → 403 too.
    const other = await issuer.serviceToken({
      clientId: 'order-reconciler',
      audience: 'notification-service',
    });
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/api/notifications/order',
          headers: { authorization: `Bearer ${other}` },
        })
      ).statusCode,
      403,
    );
    const shop = await issuer.serviceToken({
      clientId: 'shop-api',
      audience: 'notification-service',
      clientRoles: { 'notification-service': ['notifications:send'] },
    });
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/api/notifications/order',
          headers: { authorization: `Bearer ${shop}` },
        })
      ).statusCode,
      200,
    );
    await app.close();
  });

  test('problem 4 (canCheckout string vs boolean vs array): ["true"] parses to true', async () => {
    const original = (value: unknown) => value === 'true' || value === true;
    assert.equal(original(['true']), false, 'the original parser denied mario');
    assert.equal(parseBooleanClaim(['true']), true);
    const token = await issuer.userToken({ audience: 'shop-api', claims: { canCheckout: ['true'] } });
    const principal = await createAccessTokenVerifier({
      idp: idpFor(),
      audience: 'shop-api',
      logger: silentLogger,
    }).verify(token);
    assert.equal(parseBooleanClaim(principal.claims.canCheckout), true);
  });

  test('problem 5 (token-cache race): the original cache stampedes, ours makes one request for 500 concurrent callers', async () => {
    const endpoint = idpFor().tokenEndpoint;
    const secret = issuer.clientSecret('shop-api');
    // The original lib/service-token.js: a cache without single flight.
    let cached: string | undefined;
    const originalGetServiceToken = async (): Promise<string> => {
      if (cached) return cached;
      const response = await fetch(endpoint, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'shop-api',
          client_secret: secret,
        }),
      });
      cached = ((await response.json()) as { access_token: string }).access_token;
      return cached;
    };
    issuer.resetCounts();
    await Promise.all(Array.from({ length: 50 }, () => originalGetServiceToken()));
    assert.equal(issuer.counts.token, 50, 'original: one request per concurrent caller');

    issuer.resetCounts();
    const tokens = createTokenProvider({
      tokenEndpoint: endpoint,
      clientId: 'shop-api',
      clientSecret: secret,
      logger: silentLogger,
    });
    await Promise.all(Array.from({ length: 500 }, () => tokens.getToken()));
    assert.equal(issuer.counts.token, 1);
  });

  test('problem 6 (non-portable configuration): nothing defaults to localhost or a secret; both Keycloak layouts derive correctly', () => {
    assert.throws(() => keycloakEndpoints({ publicUrl: '', realm: 'techstore' }), {
      code: 'AUTH_CONFIG_INVALID',
    });
    assert.throws(() => keycloakEndpoints({ publicUrl: 'localhost:8080', realm: 'techstore' }), {
      code: 'AUTH_CONFIG_INVALID',
    });
    assert.throws(() => createAccessTokenVerifier({ audience: 'x' } as never), /idp is required/);
    assert.throws(
      () => createTokenProvider({ tokenEndpoint: idpFor().tokenEndpoint, clientId: 'shop-api' }),
      /clientSecret is required/,
    );
    const modern = keycloakEndpoints({
      publicUrl: 'https://auth.example.com/',
      internalUrl: 'http://keycloak:8080',
      realm: 'techstore',
    });
    assert.equal(modern.issuer, 'https://auth.example.com/realms/techstore');
    assert.equal(modern.jwksUri, 'http://keycloak:8080/realms/techstore/protocol/openid-connect/certs');
    assert.equal(
      modern.endSessionEndpoint,
      'https://auth.example.com/realms/techstore/protocol/openid-connect/logout',
    );
    const legacy = keycloakEndpoints({
      publicUrl: 'http://localhost:8080',
      internalUrl: 'http://127.0.0.1:8081',
      realm: 'techstore',
      relativePath: 'auth/',
    });
    assert.equal(legacy.issuer, 'http://localhost:8080/auth/realms/techstore');
    assert.equal(
      legacy.tokenEndpoint,
      'http://127.0.0.1:8081/auth/realms/techstore/protocol/openid-connect/token',
    );
    assert.equal(
      legacy.introspectionEndpoint,
      'http://127.0.0.1:8081/auth/realms/techstore/protocol/openid-connect/token/introspect',
    );
    assert.equal(
      legacy.discoveryUrl,
      'http://127.0.0.1:8081/auth/realms/techstore/.well-known/openid-configuration',
    );
  });
});
