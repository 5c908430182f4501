import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Idp } from '../index.ts';
import { oidcUrl, postForm, startTestIdp } from '../testing/index.ts';

/** @keycloak/keycloak-admin-client against the idp: the Admin REST subset listed in the README. */
describe('Admin REST subset with @keycloak/keycloak-admin-client', { timeout: 30_000 }, () => {
  let idp: Idp;
  before(async () => {
    idp = await startTestIdp({
      publicUrl: undefined,
      bootstrapAdmin: { username: 'root', password: 'root-password-for-tests' },
    });
  });
  after(() => idp.close());

  const client = () => new KcAdminClient({ baseUrl: idp.baseUrl, realmName: 'master' });

  test('authenticates as the master admin with admin-cli and reads and updates users', async () => {
    const kc = client();
    await kc.auth({
      grantType: 'password',
      clientId: 'admin-cli',
      username: 'root',
      password: 'root-password-for-tests',
    });
    kc.setConfig({ realmName: 'techstore' });
    const found = await kc.users.find({ username: 'mario', exact: true });
    assert.equal(found.length, 1);
    const mario = found[0] as { id: string; attributes?: Record<string, string[]> };
    assert.deepEqual(mario.attributes?.canCheckout, ['true']);
    const one = await kc.users.findOne({ id: mario.id });
    assert.equal(one?.email, 'mario.rossi@example.com');
    await kc.users.update({ id: mario.id }, { attributes: { canCheckout: ['false'] } });
    assert.deepEqual((await kc.users.findOne({ id: mario.id }))?.attributes?.canCheckout, ['false']);

    // The change reaches the next token.
    const res = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'mario',
      password: 'mario123',
    });
    const payload = JSON.parse(
      Buffer.from((res.body.access_token as string).split('.')[1] as string, 'base64url').toString(),
    ) as Record<string, unknown>;
    assert.equal(payload.canCheckout, false);
  });

  test('clients.find, roles.find/findOneByName and realm role mappings', async () => {
    const kc = client();
    await kc.auth({
      grantType: 'password',
      clientId: 'admin-cli',
      username: 'root',
      password: 'root-password-for-tests',
    });
    kc.setConfig({ realmName: 'techstore' });
    const [shopApi] = await kc.clients.find({ clientId: 'shop-api' });
    assert.equal(shopApi?.serviceAccountsEnabled, true);
    assert.equal((shopApi as Record<string, unknown>).secret, undefined, 'secrets are not listed');
    const roles = (await kc.roles.find()).map((r) => r.name);
    for (const r of ['admin', 'user', 'can-checkout']) assert.ok(roles.includes(r));
    const canCheckout = await kc.roles.findOneByName({ name: 'can-checkout' });
    const [blocked] = await kc.users.find({ username: 'blocked', exact: true });
    await kc.users.addRealmRoleMappings({
      id: blocked?.id as string,
      roles: [{ id: canCheckout?.id as string, name: 'can-checkout' }],
    });
    const mapped = (await kc.users.listRealmRoleMappings({ id: blocked?.id as string })).map((r) => r.name);
    assert.ok(mapped.includes('can-checkout'));
    await kc.users.delRealmRoleMappings({
      id: blocked?.id as string,
      roles: [{ id: canCheckout?.id as string, name: 'can-checkout' }],
    });
    const [inventory] = await kc.clients.find({ clientId: 'inventory-service' });
    const clientRoles = (await kc.clients.listRoles({ id: inventory?.id as string }))
      .map((r) => r.name)
      .sort();
    assert.deepEqual(clientRoles, ['faults:manage', 'stock:admin', 'stock:read', 'stock:reserve']);
  });

  test("resetPassword and create refuse a password the realm's policy refuses, as Keycloak answers", async () => {
    const kc = client();
    await kc.auth({
      grantType: 'password',
      clientId: 'admin-cli',
      username: 'root',
      password: 'root-password-for-tests',
    });
    kc.setConfig({ realmName: 'techstore' });
    const [luigi] = await kc.users.find({ username: 'luigi', exact: true });
    const reset = (value: string) =>
      kc.users.resetPassword({
        id: luigi?.id as string,
        credential: { type: 'password', value, temporary: false },
      });
    // Development policy (dev-users.json): length(8) and notUsername and notEmail.
    for (const [value, key, description] of [
      ['short', 'invalidPasswordMinLengthMessage', 'Invalid password: minimum length 8.'],
      [
        'luigi.verdi@example.com',
        'invalidPasswordNotEmailMessage',
        'Invalid password: must not be equal to the email.',
      ],
    ] as const) {
      await assert.rejects(reset(value), (err: { response?: Response; responseData?: unknown }) => {
        assert.equal(err.response?.status, 400);
        assert.deepEqual(err.responseData, { error: key, error_description: description });
        return true;
      });
    }
    await reset('luigi-new-password');
    const login = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'luigi',
      password: 'luigi-new-password',
    });
    assert.equal(login.status, 200);
    await reset('luigi123');

    await assert.rejects(
      kc.users.create({
        username: 'peach',
        enabled: true,
        credentials: [{ type: 'password', value: 'peach', temporary: false }],
      }),
      (err: { response?: Response; responseData?: unknown }) => {
        assert.equal(err.response?.status, 400);
        assert.deepEqual(err.responseData, { errorMessage: 'Password policy not met' });
        return true;
      },
    );
    assert.deepEqual(await kc.users.find({ username: 'peach', exact: true }), [], 'nothing is stored');
  });

  test('refuses callers without admin rights', async () => {
    const user = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'admin',
      password: 'admin123',
    });
    const denied = await fetch(`${idp.baseUrl}/admin/realms/techstore/users`, {
      headers: { authorization: `Bearer ${user.body.access_token as string}` },
    });
    assert.equal(denied.status, 403, 'the shop admin is not a Keycloak administrator');
    const anonymous = await fetch(`${idp.baseUrl}/admin/realms/techstore/users`);
    assert.equal(anonymous.status, 401);
    const kc = client();
    await assert.rejects(
      kc.auth({ grantType: 'password', clientId: 'admin-cli', username: 'root', password: 'wrong' }),
    );
  });
});
