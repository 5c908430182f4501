import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toPrincipal } from '../principal/principal.ts';
import {
  allOf,
  anyOf,
  authorize,
  requireClientRoles,
  requireRealmRoles,
  requireScopes,
  requireServiceAccount,
  requireUser,
  withIntrospection,
} from './guards.ts';

const user = toPrincipal({
  sub: 'u',
  azp: 'gateway',
  auth_time: 1,
  realm_access: { roles: ['user', 'can-checkout'] },
  scope: 'openid profile',
  resource_access: { 'shop-api': { roles: ['orders:read'] } },
});
const service = toPrincipal({
  sub: 's',
  azp: 'shop-api',
  client_id: 'shop-api',
  preferred_username: 'service-account-shop-api',
  resource_access: { 'payment-service': { roles: ['payments:charge'] } },
});

describe('guards', () => {
  test('requireUser admits users and refuses service accounts', () => {
    assert.equal(requireUser().evaluate(user).allowed, true);
    assert.equal(requireUser().evaluate(service).allowed, false);
  });
  test('requireServiceAccount checks evidence, the client allow-list and client roles', () => {
    assert.equal(requireServiceAccount().evaluate(service).allowed, true);
    assert.equal(requireServiceAccount().evaluate(user).allowed, false);
    assert.equal(requireServiceAccount({ clients: ['order-reconciler'] }).evaluate(service).allowed, false);
    assert.equal(
      requireServiceAccount({
        clients: ['shop-api'],
        clientRoles: { 'payment-service': ['payments:charge'] },
      }).evaluate(service).allowed,
      true,
    );
    assert.equal(
      requireServiceAccount({ clientRoles: { 'payment-service': ['payments:refund'] } }).evaluate(service)
        .allowed,
      false,
    );
  });
  test('role and scope guards require all listed values', () => {
    assert.equal(requireRealmRoles('user', 'can-checkout').evaluate(user).allowed, true);
    assert.equal(requireRealmRoles('user', 'admin').evaluate(user).allowed, false);
    assert.equal(requireClientRoles('shop-api', 'orders:read').evaluate(user).allowed, true);
    assert.equal(requireClientRoles('shop-api', 'orders:write').evaluate(user).allowed, false);
    assert.equal(requireScopes('openid').evaluate(user).allowed, true);
    assert.equal(requireScopes('openid', 'email').evaluate(user).allowed, false);
  });
  test('anyOf and allOf combine guards', () => {
    const adminOrService = anyOf(requireRealmRoles('admin'), requireServiceAccount());
    assert.equal(adminOrService.evaluate(user).allowed, false);
    assert.equal(adminOrService.evaluate(service).allowed, true);
    assert.equal(allOf(requireUser(), requireRealmRoles('can-checkout')).evaluate(user).allowed, true);
    assert.equal(allOf(requireUser(), requireRealmRoles('admin')).evaluate(user).allowed, false);
    assert.throws(() => anyOf());
  });
  test('anyOf and allOf introspect when any guard inside them does', () => {
    const introspected = withIntrospection(requireServiceAccount());
    assert.equal(anyOf(introspected, requireUser()).introspect, true);
    assert.equal(allOf(requireUser(), anyOf(requireRealmRoles('admin'), introspected)).introspect, true);
    assert.equal(anyOf(requireUser(), requireRealmRoles('admin')).introspect, undefined);
  });
  test('authorize throws AUTH_INSUFFICIENT_SCOPE (403) carrying the scopes for the challenge', () => {
    assert.throws(
      () => authorize(user, requireScopes('stock:audit')),
      (error: Error & { code?: string; status?: number; requiredScopes?: string[] }) => {
        return (
          error.code === 'AUTH_INSUFFICIENT_SCOPE' &&
          error.status === 403 &&
          error.requiredScopes?.[0] === 'stock:audit'
        );
      },
    );
  });
});
