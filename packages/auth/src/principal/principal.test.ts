import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBooleanClaim } from './parse-boolean-claim.ts';
import { isServiceAccountToken, toPrincipal } from './principal.ts';

describe('parseBooleanClaim', () => {
  const cases: Array<[unknown, boolean]> = [
    [true, true],
    [false, false],
    ['true', true],
    ['TRUE', true],
    [' True ', true],
    ['false', false],
    ['FALSE', false],
    [['true'], true],
    [['TRUE'], true],
    [[true], true],
    [['false'], false],
    [[], false],
    [['true', 'false'], false],
    [undefined, false],
    [null, false],
    ['yes', false],
    [1, false],
    [{ value: 'true' }, false],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input) ?? 'undefined'} → ${String(expected)}`, () =>
      assert.equal(parseBooleanClaim(input), expected));
  }
});

describe('service-account detection', () => {
  test('Keycloak service-account username is explicit evidence', () => {
    assert.equal(
      isServiceAccountToken({ azp: 'shop-api', preferred_username: 'service-account-shop-api' }),
      true,
    );
  });
  test('a client_id (or legacy clientId) claim equal to azp is explicit evidence', () => {
    assert.equal(isServiceAccountToken({ azp: 'shop-api', client_id: 'shop-api' }), true);
    assert.equal(isServiceAccountToken({ azp: 'shop-api', clientId: 'shop-api' }), true);
  });
  test('a missing e-mail is not evidence', () => {
    assert.equal(isServiceAccountToken({ azp: 'shop-api', preferred_username: 'noemail' }), false);
  });
  test('a user session (auth_time) outweighs a look-alike username', () => {
    assert.equal(
      isServiceAccountToken({
        azp: 'shop-api',
        preferred_username: 'service-account-shop-api',
        auth_time: 1,
      }),
      false,
    );
  });
  test('a client_id for another client is not evidence', () => {
    assert.equal(isServiceAccountToken({ azp: 'gateway', client_id: 'shop-api' }), false);
  });
});

describe('toPrincipal', () => {
  test('reads roles, scopes and profile claims defensively', () => {
    const principal = toPrincipal({
      sub: 'u1',
      iss: 'https://idp/realms/r',
      azp: 'gateway',
      exp: 10,
      realm_access: { roles: ['user', 42, 'can-checkout'] },
      resource_access: { 'inventory-service': { roles: ['stock:read'] }, broken: null, empty: { roles: [] } },
      scope: 'openid  email',
      email: 'a@b.c',
      preferred_username: 'mario',
    });
    assert.deepEqual(principal.realmRoles, ['user', 'can-checkout']);
    assert.deepEqual(principal.clientRoles, { 'inventory-service': ['stock:read'] });
    assert.deepEqual(principal.scopes, ['openid', 'email']);
    assert.equal(principal.clientId, 'gateway');
    assert.equal(principal.isServiceAccount, false);
    assert.ok(Object.isFrozen(principal) && Object.isFrozen(principal.claims));
  });
  test('a hostile "__proto__" client name stays a plain key', () => {
    const principal = toPrincipal(
      JSON.parse('{"sub":"x","resource_access":{"__proto__":{"roles":["admin"]}}}'),
    );
    assert.deepEqual(Object.keys(principal.clientRoles), ['__proto__']);
    assert.equal(Object.getPrototypeOf(principal.clientRoles), Object.prototype);
  });
});
