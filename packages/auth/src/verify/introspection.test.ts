import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import {
  allOf,
  anyOf,
  createAccessTokenVerifier,
  requireAuthenticated,
  requireServiceAccount,
  withIntrospection,
} from '../index.ts';
import { authPlugin } from '../fastify/index.ts';
import { silentLogger, startTestIssuer } from '../testing/index.ts';
import type { TestIssuer } from '../testing/index.ts';

describe('per-route token introspection (RFC 7662)', { timeout: 20_000 }, () => {
  let issuer: TestIssuer;
  let app: FastifyInstance;
  const charge = requireServiceAccount({ clientRoles: { 'payment-service': ['payments:charge'] } });

  before(async () => {
    issuer = await startTestIssuer();
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'payment-service',
      logger: silentLogger,
      introspection: {
        clientId: 'payment-service',
        clientSecret: issuer.clientSecret('payment-service'),
        cacheTtlMs: 60_000,
      },
    });
    app = Fastify();
    await app.register(authPlugin, { verifier });
    app.post('/refunds', { config: { auth: withIntrospection(charge) } }, async () => ({ refunded: true }));
    app.post('/charges', { config: { auth: charge } }, async () => ({ charged: true }));
    app.post(
      '/refunds-any',
      { config: { auth: anyOf(withIntrospection(charge), requireAuthenticated()) } },
      async () => ({ refunded: true }),
    );
    app.post(
      '/refunds-all',
      { config: { auth: allOf(requireAuthenticated(), anyOf(withIntrospection(charge))) } },
      async () => ({ refunded: true }),
    );
    await app.ready();
  });
  after(async () => {
    await app.close();
    await issuer.close();
  });

  const svc = () =>
    issuer.serviceToken({
      clientId: 'shop-api',
      audience: 'payment-service',
      clientRoles: { 'payment-service': ['payments:charge'] },
    });
  const post = (url: string, token: string) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } });

  test('an active token passes, authenticated as the resource server, and the answer is cached briefly', async () => {
    issuer.resetCounts();
    const token = await svc();
    assert.equal((await post('/refunds', token)).statusCode, 200);
    assert.equal((await post('/refunds', token)).statusCode, 200);
    assert.equal(issuer.counts.introspection, 1);
  });

  test('a revoked token is refused with 401 on the introspected route only', async () => {
    const token = await svc();
    issuer.revoke(token);
    assert.equal((await post('/charges', token)).statusCode, 200, 'local verification cannot see revocation');
    const response = await post('/refunds', token);
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['www-authenticate']), /invalid_token/);
  });

  test('a revoked token is refused on routes whose composed guards (anyOf/allOf) contain introspection', async () => {
    const token = await svc();
    issuer.revoke(token);
    assert.equal((await post('/refunds-any', token)).statusCode, 401);
    assert.equal((await post('/refunds-all', token)).statusCode, 401);
    assert.equal((await post('/refunds-any', await svc())).statusCode, 200, 'an active token passes');
  });

  test('introspection endpoint down → 503 with Retry-After, not 401', async () => {
    issuer.faults.introspection = 'down';
    try {
      const response = await post('/refunds', await svc());
      assert.equal(response.statusCode, 503);
      assert.equal(response.headers['retry-after'], '5');
      assert.equal(response.json().code, 'AUTH_IDP_UNAVAILABLE');
    } finally {
      issuer.faults.introspection = 'ok';
    }
  });
});
