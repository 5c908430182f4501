import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  createAccessTokenVerifier,
  requireClientRoles,
  requireServiceAccount,
  requireUser,
} from '../index.ts';
import { silentLogger, startTestIssuer } from '../testing/index.ts';
import type { TestIssuer } from '../testing/index.ts';
import { authMiddleware } from './index.ts';

describe('Express authMiddleware (real listen on port 0)', { timeout: 20_000 }, () => {
  let issuer: TestIssuer;
  let server: Server;
  let base: string;

  before(async () => {
    issuer = await startTestIssuer();
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'payment-service',
      logger: silentLogger,
    });
    const auth = authMiddleware({ verifier });
    const app = express();
    app.get('/health', auth('public'), (request, response) => {
      response.json({ who: request.principal?.username ?? null });
    });
    app.get('/me', auth(requireUser()), (request, response) => {
      response.json({ username: request.principal?.username });
    });
    app.post(
      '/charges',
      auth(requireServiceAccount({ clientRoles: { 'payment-service': ['payments:charge'] } })),
      (request, response) => {
        response.status(201).json({ caller: request.principal?.clientId });
      },
    );
    app.get(
      '/refunds',
      auth(requireClientRoles('payment-service', 'payments:refund')),
      (_request, response) => {
        response.json({ ok: true });
      },
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await issuer.close();
  });

  test('returns 401 with WWW-Authenticate and problem+json when no token is sent', async () => {
    const response = await fetch(`${base}/me`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="techstore"');
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const body = (await response.json()) as { code: string; status: number };
    assert.equal(body.code, 'AUTH_TOKEN_MISSING');
    assert.equal(body.status, 401);
  });

  test('sets req.principal for a valid user token', async () => {
    const token = await issuer.userToken({ username: 'luigi', audience: 'payment-service' });
    const response = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { username: 'luigi' });
    assert.equal(response.headers.get('cache-control'), 'no-store', "someone's own data is not kept");
  });

  test('returns 401 invalid_token for an expired token', async () => {
    const token = await issuer.userToken({
      audience: 'payment-service',
      issuedAt: Math.floor(Date.now() / 1000) - 3600,
      expiresInSec: 300,
    });
    const response = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('accepts the service account with payments:charge and refuses another client lacking it', async () => {
    const shop = await issuer.serviceToken({
      clientId: 'shop-api',
      audience: 'payment-service',
      clientRoles: { 'payment-service': ['payments:charge'] },
    });
    const ok = await fetch(`${base}/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop}` },
    });
    assert.equal(ok.status, 201);
    assert.deepEqual(await ok.json(), { caller: 'shop-api' });
    const reconciler = await issuer.serviceToken({
      clientId: 'order-reconciler',
      audience: 'payment-service',
      clientRoles: { 'payment-service': ['payments:read'] },
    });
    const denied = await fetch(`${base}/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reconciler}` },
    });
    assert.equal(denied.status, 403);
    assert.match(denied.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  });

  test('requireClientRoles refuses a token without the role', async () => {
    const token = await issuer.userToken({ audience: 'payment-service' });
    const response = await fetch(`${base}/refunds`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 403);
  });

  test('public routes answer without a token', async () => {
    const response = await fetch(`${base}/health`);
    assert.deepEqual(await response.json(), { who: null });
    assert.equal(response.headers.get('cache-control'), null, 'an anonymous answer is left alone');
  });

  test('throws at construction when the requirement is missing', () => {
    const verifier = createAccessTokenVerifier({ idp: issuer.idp, audience: 'x', logger: silentLogger });
    const auth = authMiddleware({ verifier });
    assert.throws(() => auth(undefined as unknown as 'public'), { code: 'AUTH_ROUTE_UNPROTECTED' });
  });
});

describe('Express authMiddleware error paths', { timeout: 20_000 }, () => {
  let issuer: TestIssuer;
  let server: Server;
  let base: string;

  before(async () => {
    issuer = await startTestIssuer();
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'payment-service',
      logger: silentLogger,
      jwks: { retryAfterSec: 7 },
    });
    const auth = authMiddleware({ verifier });
    const app = express();
    app.get('/me', auth(requireUser()), (request, response) => {
      response.json({ username: request.principal?.username });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await issuer.close();
  });

  test('returns 400 invalid_request for an Authorization header that is not Bearer', async () => {
    const response = await fetch(`${base}/me`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(((await response.json()) as { code: string }).code, 'AUTH_INVALID_REQUEST');
  });

  test('returns 503 with Retry-After when the signing keys cannot be fetched, with a generic detail', async () => {
    issuer.faults.jwks = 'down';
    try {
      const token = await issuer.userToken({ audience: 'payment-service' });
      const response = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '7');
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const body = (await response.json()) as { code: string; detail: string };
      assert.equal(body.code, 'AUTH_IDP_UNAVAILABLE');
      assert.ok(!body.detail.includes(issuer.url), 'the JWKS URL stays out of the response');
    } finally {
      issuer.faults.jwks = 'ok';
    }
  });
});
