import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import {
  createAccessTokenVerifier,
  requireRealmRoles,
  requireScopes,
  requireServiceAccount,
  requireUser,
  silentLoggerForTests,
} from './test-support.ts';
import { authPlugin } from './index.ts';
import { startTestIssuer } from '../testing/index.ts';
import type { TestIssuer } from '../testing/index.ts';

describe('Fastify authPlugin', { timeout: 20_000 }, () => {
  let issuer: TestIssuer;
  let app: FastifyInstance;

  before(async () => {
    issuer = await startTestIssuer();
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'inventory-service',
      logger: silentLoggerForTests,
    });
    app = Fastify();
    await app.register(authPlugin, { verifier });
    app.get('/public', { config: { auth: 'public' } }, async (request) => ({
      who: request.principal?.subject ?? null,
    }));
    app.get('/me', { config: { auth: requireUser() } }, async (request) => ({
      sub: request.principal.subject,
    }));
    app.get('/admin', { config: { auth: requireRealmRoles('admin') } }, async () => ({ ok: true }));
    app.get('/shared', { config: { auth: requireUser() } }, async (_request, reply) =>
      reply.header('cache-control', 'private, max-age=60').send({ ok: true }),
    );
    app.get('/scoped', { config: { auth: requireScopes('stock:audit') } }, async () => ({ ok: true }));
    app.post(
      '/reservations',
      {
        config: { auth: requireServiceAccount({ clientRoles: { 'inventory-service': ['stock:reserve'] } }) },
      },
      async (request) => ({
        caller: request.principal.clientId,
      }),
    );
    await app.ready();
  });

  after(async () => {
    await app.close();
    await issuer.close();
  });

  test('returns 401 with a bare Bearer challenge when no token is sent', async () => {
    const response = await app.inject({ method: 'GET', url: '/me' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="techstore"');
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(response.json().code, 'AUTH_TOKEN_MISSING');
  });

  test('returns 200 and exposes request.principal for a valid user token', async () => {
    const token = await issuer.userToken({ username: 'mario', audience: 'inventory-service' });
    const response = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 200);
    assert.match(response.json().sub, /^[0-9a-f-]{36}$/);
    assert.equal(response.headers['cache-control'], 'no-store', "someone's own data is not kept");
    const own = await app.inject({ url: '/shared', headers: { authorization: `Bearer ${token}` } });
    assert.equal(own.headers['cache-control'], 'private, max-age=60', 'a route may say otherwise');
  });

  test('returns 401 invalid_token for a token minted for another audience', async () => {
    const token = await issuer.userToken({ audience: 'shop-api' });
    const response = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal(response.json().code, 'AUTH_TOKEN_INVALID');
    assert.doesNotMatch(response.body, /aud|shop-api/, 'the public detail stays generic');
  });

  test('returns 403 insufficient_scope when the realm role is missing', async () => {
    const token = await issuer.userToken({ audience: 'inventory-service', realmRoles: ['user'] });
    const response = await app.inject({
      method: 'GET',
      url: '/admin',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 403);
    assert.match(String(response.headers['www-authenticate']), /error="insufficient_scope"/);
    assert.equal(response.json().code, 'AUTH_INSUFFICIENT_SCOPE');
  });

  test('names the missing scopes in the 403 challenge', async () => {
    const token = await issuer.userToken({ audience: 'inventory-service' });
    const response = await app.inject({
      method: 'GET',
      url: '/scoped',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 403);
    assert.match(String(response.headers['www-authenticate']), /scope="stock:audit"/);
  });

  test('accepts a service account holding the client role and refuses a user token on the M2M route', async () => {
    const svc = await issuer.serviceToken({
      clientId: 'shop-api',
      audience: 'inventory-service',
      clientRoles: { 'inventory-service': ['stock:reserve'] },
    });
    const ok = await app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { authorization: `Bearer ${svc}` },
    });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { caller: 'shop-api' });
    const user = await issuer.userToken({
      audience: 'inventory-service',
      email: null,
      clientRoles: { 'inventory-service': ['stock:reserve'] },
    });
    const denied = await app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { authorization: `Bearer ${user}` },
    });
    assert.equal(denied.statusCode, 403);
  });

  test('public routes work without a token and see the principal when a valid one is sent', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/public' });
    assert.deepEqual(anonymous.json(), { who: null });
    assert.equal(anonymous.headers['cache-control'], undefined, 'an anonymous answer is left alone');
    const bad = await app.inject({
      method: 'GET',
      url: '/public',
      headers: { authorization: 'Bearer not.a.token' },
    });
    assert.deepEqual(bad.json(), { who: null });
    const token = await issuer.userToken({ audience: 'inventory-service' });
    const known = await app.inject({
      method: 'GET',
      url: '/public',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.match(known.json().who, /^[0-9a-f-]{36}$/);
  });

  test('answers 400 invalid_request for a non-Bearer Authorization header', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    assert.equal(response.statusCode, 400);
    assert.match(String(response.headers['www-authenticate']), /error="invalid_request"/);
  });

  test('refuses to start when a route registered after the plugin has no config.auth', async () => {
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'x',
      logger: silentLoggerForTests,
    });
    const broken = Fastify();
    await broken.register(authPlugin, { verifier });
    assert.throws(
      () => broken.get('/forgotten', async () => 'oops'),
      (error: Error & { code?: string }) =>
        error.code === 'AUTH_ROUTE_UNPROTECTED' && /GET \/forgotten/.test(error.message),
    );
    await broken.close();
  });

  test('refuses a config.auth that is neither a guard nor public', async () => {
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'x',
      logger: silentLoggerForTests,
    });
    const broken = Fastify();
    await broken.register(authPlugin, { verifier });
    assert.throws(
      () => broken.get('/typo', { config: { auth: 'pubic' as 'public' } }, async () => 'oops'),
      /config.auth must be/,
    );
    await broken.close();
  });

  test('answers 503 with Retry-After when the IdP is down and no keys are cached', async () => {
    const cold = await startTestIssuer();
    cold.faults.jwks = 'down';
    const verifier = createAccessTokenVerifier({
      idp: cold.idp,
      audience: 'inventory-service',
      logger: silentLoggerForTests,
    });
    const coldApp = Fastify();
    await coldApp.register(authPlugin, { verifier });
    coldApp.get('/me', { config: { auth: requireUser() } }, async () => 'never');
    const token = await cold.userToken({ audience: 'inventory-service' });
    const response = await coldApp.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['retry-after'], '10');
    assert.equal(response.json().code, 'AUTH_IDP_UNAVAILABLE');
    await coldApp.close();
    await cold.close();
  });
});
