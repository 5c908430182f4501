import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { devUsersRealm, techstoreRealm } from '../../../../deploy/keycloak/realm-types.ts';
import { IdpError } from '../errors.ts';
import { DEV_USERS_FILE, REALM_FILE, SECRETS, TEST_HASHING } from '../testing/index.ts';
import { buildRealm } from './build-realm.ts';
import { loadRealmFiles, mergeRealms } from './load-realm-files.ts';
import { roleKey, findUserByUsername } from './model.ts';
import { readUserProfile } from './user-profile.ts';

const ENV = { ...SECRETS, GATEWAY_PUBLIC_URL: 'https://shop.example' };

describe('deploy/keycloak realm files', { timeout: 20_000 }, () => {
  test('production settings of techstore-realm.json', () => {
    assert.equal(techstoreRealm.sslRequired, 'external');
    assert.equal(techstoreRealm.bruteForceProtected, true);
    assert.equal(techstoreRealm.accessTokenLifespan, 300);
    assert.equal(techstoreRealm.revokeRefreshToken, true);
    assert.deepEqual(techstoreRealm.roles?.realm?.map((r) => r.name).slice(0, 3), [
      'admin',
      'user',
      'can-checkout',
    ]);
    assert.equal(
      techstoreRealm.users?.some((u) => !u.serviceAccountClientId),
      false,
      'no human users in the production file',
    );
    assert.equal(
      techstoreRealm.clients?.some((c) => c.clientId === 'techstore-cli'),
      false,
      'the CLI client is development-only',
    );
    assert.ok(readUserProfile(techstoreRealm as never)?.declared.has('canCheckout'));
  });

  test('client secrets exist only as ${ENV} placeholders', async () => {
    const text = await readFile(REALM_FILE, 'utf8');
    for (const c of techstoreRealm.clients ?? [])
      if (c.secret !== undefined) assert.match(c.secret, /^\$\{[A-Z_]+_CLIENT_SECRET\}$/);
    assert.doesNotMatch(text, /"password"|"value":/, 'no credentials in the realm file');
  });

  test('gateway: confidential, code + PKCE S256, exact URIs from GATEWAY_PUBLIC_URL, back-channel logout, no password grant', async () => {
    const [rep] = await loadRealmFiles([REALM_FILE], ENV);
    const gateway = rep?.clients?.find((c) => c.clientId === 'gateway');
    assert.equal(gateway?.publicClient, false);
    assert.equal(gateway?.directAccessGrantsEnabled, false);
    assert.deepEqual(gateway?.redirectUris, ['https://shop.example/bff/callback']);
    assert.equal(gateway?.attributes?.['pkce.code.challenge.method'], 'S256');
    assert.equal(
      gateway?.attributes?.['backchannel.logout.url'],
      'https://shop.example/bff/backchannel-logout',
    );
    assert.equal(gateway?.secret, SECRETS.GATEWAY_CLIENT_SECRET);
  });

  test('a missing placeholder variable stops the load and is named', async () => {
    const { GATEWAY_CLIENT_SECRET: _omit, ...partial } = ENV;
    void _omit;
    await assert.rejects(loadRealmFiles([REALM_FILE], partial), (err: unknown) => {
      assert.ok(err instanceof IdpError);
      assert.equal(err.code, 'IDP_REALM_ENV_MISSING');
      assert.match(err.message, /GATEWAY_CLIENT_SECRET/);
      return true;
    });
  });

  test('i18n keys such as ${role_offline-access} survive substitution', async () => {
    const [rep] = await loadRealmFiles([REALM_FILE], ENV);
    assert.equal(
      rep?.roles?.realm?.find((r) => r.name === 'offline_access')?.description,
      '${role_offline-access}',
    );
  });

  test("the realm's password policy refuses the demo passwords; dev-users.json relaxes it, outside production only", async () => {
    assert.equal(techstoreRealm.passwordPolicy, 'length(12) and notUsername and notEmail');
    const { passwordPolicy: _relaxed, ...strictDevUsers } = structuredClone(devUsersRealm);
    const [strict] = mergeRealms([...(await loadRealmFiles([REALM_FILE], ENV)), strictDevUsers as never]);
    await assert.rejects(buildRealm(strict as never, TEST_HASHING), (err: unknown) => {
      assert.ok(err instanceof IdpError);
      assert.equal(err.code, 'IDP_REALM_FILE_INVALID');
      assert.match(
        err.message,
        /user admin does not meet the password policy: Invalid password: minimum length 12\./,
      );
      assert.doesNotMatch(err.message, /admin123/, 'the password itself is never in a message');
      return true;
    });
    const [relaxed] = await loadRealmFiles([REALM_FILE, DEV_USERS_FILE], ENV);
    assert.equal(relaxed?.passwordPolicy, 'length(8) and notUsername and notEmail');
    await buildRealm(relaxed as never, TEST_HASHING);
    await assert.rejects(
      loadRealmFiles([REALM_FILE, DEV_USERS_FILE], ENV, { production: true }),
      (err: unknown) => err instanceof IdpError && err.code === 'IDP_PRODUCTION_REFUSED',
    );
  });

  test('dev-users.json holds only what the README import steps carry into a real Keycloak', () => {
    assert.deepEqual(Object.keys(devUsersRealm).sort(), [
      'clients',
      'passwordPolicy',
      'realm',
      'scopeMappings',
      'users',
    ]);
  });

  test('dev users merge into the realm with their roles and service accounts hold their client roles', async () => {
    assert.equal(devUsersRealm.realm, 'techstore');
    const [rep] = await loadRealmFiles([REALM_FILE, DEV_USERS_FILE], ENV);
    const realm = await buildRealm(rep as never, TEST_HASHING);
    const can = roleKey('can-checkout');
    for (const name of ['admin', 'mario', 'luigi', 'noemail'])
      assert.ok(findUserByUsername(realm, name)?.roleKeys.has(can), name);
    assert.equal(findUserByUsername(realm, 'blocked')?.roleKeys.has(can), false);
    assert.deepEqual(findUserByUsername(realm, 'blocked')?.attributes.canCheckout, ['false']);
    assert.equal(findUserByUsername(realm, 'noemail')?.email, undefined);
    await findUserByUsername(realm, 'mario')?.passwordHashing;
    assert.match(findUserByUsername(realm, 'mario')?.passwordHash ?? '', /^scrypt\$/);
    const shop = findUserByUsername(realm, 'service-account-shop-api');
    for (const r of ['stock:read', 'stock:reserve'])
      assert.ok(shop?.roleKeys.has(roleKey(r, 'inventory-service')));
    for (const r of ['payments:charge', 'payments:refund'])
      assert.ok(shop?.roleKeys.has(roleKey(r, 'payment-service')));
    assert.ok(shop?.roleKeys.has(roleKey('notifications:send', 'notification-service')));
    const reconciler = findUserByUsername(realm, 'service-account-order-reconciler');
    assert.deepEqual([...(reconciler?.roleKeys ?? [])].filter((k) => k.startsWith('client/')).sort(), [
      'client/inventory-service/stock:read',
      'client/payment-service/payments:read',
    ]);
    assert.equal(realm.clients.get('techstore-cli')?.directAccessGrantsEnabled, true);
  });
});
