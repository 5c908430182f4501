import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Idp, RealmRep } from '../index.ts';
import { roleKey, type Realm } from '../realm/model.ts';
import { mayGrantRole } from './admin-auth.ts';
import { DEV_USERS_FILE, oidcUrl, postForm, REALM_FILE, startTestIdp } from '../testing/index.ts';

/** Realm clients whose service accounts hold realm-management roles (client-credentials auth). */
const provisioners: RealmRep = {
  realm: 'techstore',
  clients: [
    {
      clientId: 'provisioner',
      secret: 'provisioner-secret',
      standardFlowEnabled: false,
      serviceAccountsEnabled: true,
    },
    {
      clientId: 'auditor',
      secret: 'auditor-secret',
      standardFlowEnabled: false,
      serviceAccountsEnabled: true,
    },
    {
      // Its service account holds manage-users, but the client's role scope does not include it.
      clientId: 'narrow-scope',
      secret: 'narrow-scope-secret',
      standardFlowEnabled: false,
      serviceAccountsEnabled: true,
      fullScopeAllowed: false,
    },
  ],
  users: [
    {
      username: 'service-account-provisioner',
      serviceAccountClientId: 'provisioner',
      clientRoles: { 'realm-management': ['manage-users', 'view-clients', 'manage-realm'] },
    },
    {
      username: 'service-account-auditor',
      serviceAccountClientId: 'auditor',
      clientRoles: { 'realm-management': ['view-users', 'view-clients'] },
    },
    {
      username: 'service-account-narrow-scope',
      serviceAccountClientId: 'narrow-scope',
      clientRoles: { 'realm-management': ['manage-users'] },
    },
  ],
};

/** The rest of the README's Admin REST subset, through @keycloak/keycloak-admin-client (see admin-client.test.ts). */
describe('Admin REST subset: client-credentials admins, users, roles, clients', { timeout: 30_000 }, () => {
  let idp: Idp;
  before(async () => {
    idp = await startTestIdp({
      publicUrl: undefined,
      realmFiles: [REALM_FILE, DEV_USERS_FILE],
      realms: [provisioners],
      bootstrapAdmin: { username: 'root', password: 'root-password-for-tests' },
    });
  });
  after(() => idp.close());

  async function as(clientId: string, clientSecret: string) {
    const kc = new KcAdminClient({ baseUrl: idp.baseUrl, realmName: 'techstore' });
    await kc.auth({ grantType: 'client_credentials', clientId, clientSecret });
    return kc;
  }
  const status = (err: unknown) => (err as { response?: Response }).response?.status;

  test('a realm client with realm-management roles authenticates with client credentials and reads the realm', async () => {
    const kc = await as('provisioner', 'provisioner-secret');
    const realm = await kc.realms.findOne({ realm: 'techstore' });
    assert.equal(realm?.realm, 'techstore');
    assert.equal(realm?.bruteForceProtected, true);
  });

  test("a role the user holds opens the Admin API only when the token's client has it in scope (Keycloak hasScope)", async () => {
    const kc = await as('narrow-scope', 'narrow-scope-secret');
    await assert.rejects(kc.users.find({}), (err) => status(err) === 403);
  });

  test('users: find by each filter, count, create, findOne, del', async () => {
    const kc = await as('provisioner', 'provisioner-secret');
    const names = async (query: NonNullable<Parameters<typeof kc.users.find>[0]>) =>
      (await kc.users.find(query)).map((u) => u.username).sort();
    assert.deepEqual(await names({ email: 'example.com' }), ['blocked', 'luigi', 'mario']);
    assert.deepEqual(await names({ firstName: 'Luigi' }), ['luigi']);
    assert.deepEqual(await names({ lastName: 'Rossi' }), ['mario']);
    assert.deepEqual(await names({ search: 'verdi' }), ['luigi']);
    assert.deepEqual(await names({ q: 'canCheckout:false' }), ['blocked']);
    assert.deepEqual(await names({ enabled: true, first: 1, max: 2 }), ['blocked', 'luigi']);
    assert.equal(await kc.users.count({ search: 'example.com' }), 3);

    const { id } = await kc.users.create({
      username: 'peach',
      enabled: true,
      email: 'peach@example.com',
      credentials: [{ type: 'password', value: 'peach-password', temporary: false }],
    });
    assert.equal((await kc.users.findOne({ id }))?.email, 'peach@example.com');
    const login = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'peach',
      password: 'peach-password',
    });
    assert.equal(login.status, 200);
    await kc.users.del({ id });
    assert.equal(await kc.users.findOne({ id }), null, 'gone (404)');
  });

  test('users.logout ends the sessions of a user', async () => {
    const kc = await as('provisioner', 'provisioner-secret');
    const login = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'luigi',
      password: 'luigi123',
    });
    const [luigi] = await kc.users.find({ username: 'luigi', exact: true });
    await kc.users.logout({ id: luigi?.id as string });
    const refresh = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: login.body.refresh_token as string,
    });
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  test('realm roles: create; realm role mappings: composite and available', async () => {
    const kc = await as('provisioner', 'provisioner-secret');
    await kc.roles.create({ name: 'beta-tester' });
    assert.equal((await kc.roles.findOneByName({ name: 'beta-tester' }))?.name, 'beta-tester');
    const [mario] = await kc.users.find({ username: 'mario', exact: true });
    const id = mario?.id as string;
    const composite = (await kc.users.listCompositeRealmRoleMappings({ id })).map((r) => r.name);
    assert.ok(composite.includes('offline_access'), 'composites of default-roles-techstore are expanded');
    const available = (await kc.users.listAvailableRealmRoleMappings({ id })).map((r) => r.name);
    assert.ok(available.includes('beta-tester') && available.includes('admin'));
    assert.ok(!available.includes('user'));
  });

  test('client role mappings of a user: add, list, composite, available, all mappings, delete', async () => {
    const kc = await as('provisioner', 'provisioner-secret');
    const [mario] = await kc.users.find({ username: 'mario', exact: true });
    const id = mario?.id as string;
    const [inventory] = await kc.clients.find({ clientId: 'inventory-service' });
    const clientUniqueId = inventory?.id as string;
    const stockRead = await kc.clients.findRole({ id: clientUniqueId, roleName: 'stock:read' });
    assert.equal(stockRead?.name, 'stock:read');
    await kc.users.addClientRoleMappings({
      id,
      clientUniqueId,
      roles: [{ id: stockRead?.id as string, name: 'stock:read' }],
    });
    assert.deepEqual(
      (await kc.users.listClientRoleMappings({ id, clientUniqueId })).map((r) => r.name),
      ['stock:read'],
    );
    assert.deepEqual(
      (await kc.users.listCompositeClientRoleMappings({ id, clientUniqueId })).map((r) => r.name),
      ['stock:read'],
    );
    assert.ok(
      !(await kc.users.listAvailableClientRoleMappings({ id, clientUniqueId })).some(
        (r) => r.name === 'stock:read',
      ),
    );
    const all = await kc.users.listRoleMappings({ id });
    assert.deepEqual(
      (all.clientMappings?.['inventory-service'] as { mappings: { name: string }[] }).mappings.map(
        (r) => r.name,
      ),
      ['stock:read'],
    );
    await kc.users.delClientRoleMappings({
      id,
      clientUniqueId,
      roles: [{ id: stockRead?.id as string, name: 'stock:read' }],
    });
    assert.deepEqual(await kc.users.listClientRoleMappings({ id, clientUniqueId }), []);
  });

  test('clients: search, findOne, service-account user; the secret only with manage-clients', async () => {
    const auditor = await as('auditor', 'auditor-secret');
    const found = (await auditor.clients.find({ clientId: 'SERVICE', search: true }))
      .map((c) => c.clientId)
      .sort();
    assert.deepEqual(found, ['inventory-service', 'notification-service', 'payment-service']);
    const [shopApi] = await auditor.clients.find({ clientId: 'shop-api' });
    const id = shopApi?.id as string;
    assert.equal((await auditor.clients.findOne({ id }))?.clientId, 'shop-api');
    assert.equal((await auditor.clients.getServiceAccountUser({ id })).username, 'service-account-shop-api');
    await assert.rejects(auditor.clients.getClientSecret({ id }), (err) => status(err) === 403);
    await assert.rejects(
      auditor.users.create({ username: 'nobody' }),
      (err) => status(err) === 403,
      'view-users only',
    );
    const root = new KcAdminClient({ baseUrl: idp.baseUrl, realmName: 'master' });
    await root.auth({
      grantType: 'password',
      clientId: 'admin-cli',
      username: 'root',
      password: 'root-password-for-tests',
    });
    root.setConfig({ realmName: 'techstore' });
    assert.equal((await root.clients.getClientSecret({ id })).value, 'test-shop-api-secret');
  });

  test('manage-users cannot grant admin roles it does not hold (no escalation to manage-clients / realm-admin)', async () => {
    const kc = await as('provisioner', 'provisioner-secret');
    const [provisioner] = await kc.clients.find({ clientId: 'provisioner' });
    const self = await kc.clients.getServiceAccountUser({ id: provisioner?.id as string });
    const [realmManagement] = await kc.clients.find({ clientId: 'realm-management' });
    const clientUniqueId = realmManagement?.id as string;
    for (const roleName of ['manage-clients', 'realm-admin']) {
      const role = await kc.clients.findRole({ id: clientUniqueId, roleName });
      await assert.rejects(
        kc.users.addClientRoleMappings({
          id: self.id as string,
          clientUniqueId,
          roles: [{ id: role?.id as string, name: roleName }],
        }),
        (err) => status(err) === 403,
        `${roleName} refused`,
      );
    }
    const [shopApi] = await kc.clients.find({ clientId: 'shop-api' });
    const again = await as('provisioner', 'provisioner-secret');
    await assert.rejects(
      again.clients.getClientSecret({ id: shopApi?.id as string }),
      (err) => status(err) === 403,
    );
    // What it holds (or what manage-users implies) it may still grant.
    const [luigi] = await kc.users.find({ username: 'luigi', exact: true });
    const viewUsers = await kc.clients.findRole({ id: clientUniqueId, roleName: 'view-users' });
    await kc.users.addClientRoleMappings({
      id: luigi?.id as string,
      clientUniqueId,
      roles: [{ id: viewUsers?.id as string, name: 'view-users' }],
    });
    await kc.users.delClientRoleMappings({
      id: luigi?.id as string,
      clientUniqueId,
      roles: [{ id: viewUsers?.id as string, name: 'view-users' }],
    });
  });

  test('an admin access token stops opening the Admin API once its client session is revoked', async () => {
    const login = await postForm(oidcUrl(idp, 'token', 'master'), {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'root',
      password: 'root-password-for-tests',
    });
    assert.equal(login.status, 200);
    const accessToken = login.body.access_token as string;
    const realmUrl = `${idp.baseUrl}/admin/realms/techstore`;
    const read = () => fetch(realmUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal((await read()).status, 200);
    const revoked = await postForm(oidcUrl(idp, 'revoke', 'master'), {
      client_id: 'admin-cli',
      token: login.body.refresh_token as string,
    });
    assert.equal(revoked.status, 200);
    assert.equal((await read()).status, 401);
  });
});

describe('mayGrantRole', () => {
  test("the master realm's admin role is granted only by a master admin, whatever realm-management roles the caller holds", () => {
    const master = {
      name: 'master',
      roles: new Map([[roleKey('admin'), { name: 'admin', composites: [] }]]),
    } as unknown as Realm;
    const manager = {
      masterAdmin: false,
      roles: new Set([
        roleKey('realm-admin', 'realm-management'),
        roleKey('manage-users', 'realm-management'),
      ]),
    };
    assert.equal(mayGrantRole(manager, master, roleKey('admin')), false);
    assert.equal(mayGrantRole({ masterAdmin: true, roles: new Set() }, master, roleKey('admin')), true);
  });
});
