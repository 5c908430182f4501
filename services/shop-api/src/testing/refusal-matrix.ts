import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breakSignature } from '@mockmart/service-kit/testing';
import type { Harness } from './harness.ts';

export interface ShopRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: object;
  headers?: Record<string, string>;
  /** 'user': any shop-api user token; 'admin': a user token holding the realm role admin. */
  guard: 'user' | 'admin';
  /** Code of the 401 without any token (cart routes answer SHOP_CART_OWNER_MISSING). */
  missingCode?: string;
}

const passed = (status: number) => ![401, 403].includes(status);
const HOUR = 3600;

/**
 * shop-api's refusal matrix, with real signed tokens: no token, a bad signature, a token for another
 * audience and an expired token are 401; a service account of shop-api (even one given the realm
 * role admin) is 403 — shop-api serves people; on admin routes a user without the realm role admin
 * is 403. The right user is let through. Registers node:test tests; call it inside a describe.
 */
export function shopRefusalMatrix(getHarness: () => Harness, routes: readonly ShopRoute[]): void {
  for (const route of routes) {
    const name = `${route.method} ${route.url}`;
    const call = (token?: string) =>
      getHarness().app.inject({
        method: route.method,
        url: route.url,
        headers: { ...route.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(route.payload ? { payload: route.payload } : {}),
      });
    const refused = async (token: string | undefined, status: 401 | 403, code: string) => {
      const res = await call(token);
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      assert.equal(res.json().code, code);
      if (status === 401) assert.match(String(res.headers['www-authenticate']), /^Bearer /);
    };
    const entitled = () =>
      route.guard === 'admin' ? getHarness().adminToken() : getHarness().userToken('mario');

    test(`${name}: no token is 401`, () =>
      refused(undefined, 401, route.missingCode ?? 'AUTH_TOKEN_MISSING'));

    test(`${name}: a bad signature is 401`, async () =>
      refused(breakSignature(await entitled()), 401, 'AUTH_TOKEN_INVALID'));

    test(`${name}: a token for another audience is 401`, async () => {
      const token = await getHarness().issuer.userToken({
        username: 'admin',
        realmRoles: ['user', 'admin', 'can-checkout'],
        audience: 'payment-service',
      });
      await refused(token, 401, 'AUTH_TOKEN_INVALID');
    });

    test(`${name}: an expired token is 401`, async () => {
      const token = await getHarness().issuer.userToken({
        username: 'admin',
        realmRoles: ['user', 'admin', 'can-checkout'],
        audience: 'shop-api',
        issuedAt: Math.floor(Date.now() / 1000) - HOUR,
        expiresInSec: 300,
      });
      await refused(token, 401, 'AUTH_TOKEN_INVALID');
    });

    test(`${name}: shop-api's service account, even with the realm role admin, is 403`, async () => {
      const token = await getHarness().issuer.serviceToken({
        clientId: 'shop-api',
        audience: 'shop-api',
        realmRoles: ['admin', 'user', 'can-checkout'],
      });
      await refused(token, 403, 'AUTH_INSUFFICIENT_SCOPE');
    });

    if (route.guard === 'admin') {
      test(`${name}: a user without the realm role admin is 403`, async () =>
        refused(await getHarness().userToken('mario'), 403, 'AUTH_INSUFFICIENT_SCOPE'));
    }

    test(`${name}: ${route.guard === 'admin' ? 'an admin' : 'a user'} is let through`, async () => {
      const res = await call(await entitled());
      assert.ok(passed(res.statusCode), `${name}: got ${res.statusCode} ${res.body}`);
    });
  }
}
