import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { TestIssuer } from '@mockmart/auth/testing';

export interface ProtectedRoute {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  payload?: object;
  headers?: Record<string, string>;
  /** The client role of `clientId` the route requires. */
  role: string;
}

export interface MatrixOptions {
  getApp: () => Pick<FastifyInstance, 'inject'>;
  getIssuer: () => TestIssuer;
  /** This service's client id (the audience and owner of the roles). */
  clientId: string;
  /** Another service's client id: its tokens must be refused here. */
  otherAudience: string;
  /** Every role this service defines. */
  allRoles: string[];
  /** Roles the order-reconciler service account holds on this client. */
  reconcilerRoles: string[];
  routes: ProtectedRoute[];
}

/** Flips one character in the middle of the signature: same header and claims, broken signature. */
function breakSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const i = Math.floor(signature.length / 2);
  const flipped = signature[i] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;
}

/**
 * The refusal matrix every protected route must pass, with real signed tokens: no token, a bad
 * signature and another service's audience are 401; user tokens (with or without e-mail, even
 * holding the role) and service accounts lacking the role are 403; shop-api's service account with
 * exactly the role passes.
 */
export function authorizationMatrix(options: MatrixOptions): void {
  const { clientId } = options;
  for (const route of options.routes) {
    const name = `${route.method} ${route.url}`;
    const call = (authorization?: string) =>
      options.getApp().inject({
        method: route.method,
        url: route.url,
        headers: { ...route.headers, ...(authorization ? { authorization: `Bearer ${authorization}` } : {}) },
        ...(route.payload ? { payload: route.payload } : {}),
      });
    const service = (roles: string[], issuedTo = 'shop-api', audience = clientId) =>
      options.getIssuer().serviceToken({ clientId: issuedTo, audience, clientRoles: { [clientId]: roles } });

    test(`${name}: no token is 401 with a Bearer challenge`, async () => {
      const res = await call();
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer /);
      assert.equal(res.json().code, 'AUTH_TOKEN_MISSING');
    });

    test(`${name}: a token with a bad signature is 401 invalid_token`, async () => {
      const res = await call(breakSignature(await service(options.allRoles)));
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 'AUTH_TOKEN_INVALID');
    });

    test(`${name}: a token minted for ${options.otherAudience} is 401`, async () => {
      const res = await call(await service(options.allRoles, 'shop-api', options.otherAudience));
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 'AUTH_TOKEN_INVALID');
    });

    test(`${name}: a user token is 403, even one holding the role`, async () => {
      const issuer = options.getIssuer();
      const clientRoles = { [clientId]: options.allRoles };
      for (const token of [
        await issuer.userToken({
          username: 'admin',
          realmRoles: ['admin', 'user'],
          audience: clientId,
          clientRoles,
        }),
        await issuer.userToken({ username: 'noemail', email: null, audience: clientId, clientRoles }),
      ]) {
        const res = await call(token);
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().code, 'AUTH_INSUFFICIENT_SCOPE');
      }
    });

    test(`${name}: a service account holding every role but ${route.role} is 403`, async () => {
      const res = await call(await service(options.allRoles.filter((r) => r !== route.role)));
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'AUTH_INSUFFICIENT_SCOPE');
    });

    const reconcilerAllowed = options.reconcilerRoles.includes(route.role);
    test(`${name}: order-reconciler's service account is ${reconcilerAllowed ? 'let through' : '403'}`, async () => {
      const res = await call(await service(options.reconcilerRoles, 'order-reconciler'));
      if (reconcilerAllowed) assert.ok(![401, 403].includes(res.statusCode), `got ${res.statusCode}`);
      else assert.equal(res.statusCode, 403);
    });

    test(`${name}: shop-api's service account holding only ${route.role} is let through`, async () => {
      const res = await call(await service([route.role]));
      assert.ok(![401, 403].includes(res.statusCode), `got ${res.statusCode}: ${res.body}`);
    });
  }
}
