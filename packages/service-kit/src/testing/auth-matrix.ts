import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

/**
 * What the matrix needs to mint real signed tokens. @mockmart/auth/testing's `TestIssuer` fits as
 * is; the kit only describes the shape, so it never depends on the auth package.
 */
export interface MatrixIssuer {
  serviceToken(options: {
    clientId: string;
    audience: string;
    clientRoles: Record<string, string[]>;
  }): Promise<string>;
  userToken(options: {
    username: string;
    email?: string | null;
    realmRoles?: string[];
    audience: string;
    clientRoles: Record<string, string[]>;
  }): Promise<string>;
}

export interface ProtectedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: object;
  headers?: Record<string, string>;
  /** The client role of `clientId` the route requires. */
  role: string;
}

export interface AuthMatrixOptions {
  getApp: () => Pick<FastifyInstance, 'inject'>;
  getIssuer: () => MatrixIssuer;
  /** This service's client id (the audience and owner of the roles). */
  clientId: string;
  /** Another service's client id: its tokens must be refused here. */
  otherAudience: string;
  /** Every role this service defines. */
  allRoles: string[];
  /** The service account expected to call (let through holding exactly the role). Default 'shop-api'. */
  caller?: string;
  /** Another service account and the roles it holds here: let through only where one is the route's. */
  otherCaller?: { clientId: string; roles: string[] };
  routes: ProtectedRoute[];
}

/** Flips one character in the middle of the signature: same header and claims, broken signature. */
export function breakSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const i = Math.floor(signature.length / 2);
  const flipped = signature[i] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;
}

const passed = (status: number) => ![401, 403].includes(status);

/**
 * The refusal matrix every protected route must pass, with real signed tokens: no token, a bad
 * signature and another service's audience are 401; user tokens (with or without e-mail, even
 * holding the role) and service accounts lacking the role are 403; the caller's service account
 * with exactly the role passes. Registers node:test tests; call it at a describe's top level.
 */
export function authorizationMatrix(options: AuthMatrixOptions): void {
  const { clientId } = options;
  const caller = options.caller ?? 'shop-api';
  for (const route of options.routes) {
    const name = `${route.method} ${route.url}`;
    const call = (authorization?: string) =>
      options.getApp().inject({
        method: route.method,
        url: route.url,
        headers: { ...route.headers, ...(authorization ? { authorization: `Bearer ${authorization}` } : {}) },
        ...(route.payload ? { payload: route.payload } : {}),
      });
    const service = (roles: string[], issuedTo = caller, audience = clientId) =>
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
      const res = await call(await service(options.allRoles, caller, options.otherAudience));
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

    const other = options.otherCaller;
    if (other) {
      const allowed = other.roles.includes(route.role);
      test(`${name}: ${other.clientId}'s service account is ${allowed ? 'let through' : '403'}`, async () => {
        const res = await call(await service(other.roles, other.clientId));
        if (allowed) assert.ok(passed(res.statusCode), `got ${res.statusCode}`);
        else assert.equal(res.statusCode, 403);
      });
    }

    test(`${name}: ${caller}'s service account holding only ${route.role} is let through`, async () => {
      const res = await call(await service([route.role]));
      assert.ok(passed(res.statusCode), `got ${res.statusCode}: ${res.body}`);
    });
  }
}
