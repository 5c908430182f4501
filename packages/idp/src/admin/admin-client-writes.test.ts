import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Idp, RealmRep } from '../index.ts';
import { DEV_USERS_FILE, oidcUrl, postForm, REALM_FILE, startTestIdp } from '../testing/index.ts';

/** An auditor may view clients and the realm but change nothing; a realm-manager may change the realm but not clients. */
const callers: RealmRep = {
  realm: 'techstore',
  clients: ['auditor', 'realm-manager'].map((clientId) => ({
    clientId,
    secret: `${clientId}-secret`,
    standardFlowEnabled: false,
    serviceAccountsEnabled: true,
  })),
  users: [
    {
      username: 'service-account-auditor',
      serviceAccountClientId: 'auditor',
      clientRoles: { 'realm-management': ['view-clients', 'view-realm'] },
    },
    {
      username: 'service-account-realm-manager',
      serviceAccountClientId: 'realm-manager',
      clientRoles: { 'realm-management': ['manage-realm'] },
    },
  ],
};

type HttpError = { response?: Response; responseData?: unknown };
const status = (code: number, body?: unknown) => (err: HttpError) => {
  assert.equal(err.response?.status, code);
  if (body !== undefined) assert.deepEqual(err.responseData, body);
  return true;
};

/** The Admin REST writes `npm run realm -- apply` uses, with Keycloak's permissions, 409s and 400s. */
describe(
  'Admin REST writes: realm, clients, client scopes, mappers, scope mappings, composites',
  { timeout: 30_000 },
  () => {
    let idp: Idp;
    let kc: KcAdminClient;
    before(async () => {
      idp = await startTestIdp({
        publicUrl: undefined,
        realmFiles: [REALM_FILE, DEV_USERS_FILE],
        realms: [callers],
        bootstrapAdmin: { username: 'root', password: 'root-password-for-tests' },
      });
      kc = new KcAdminClient({ baseUrl: idp.baseUrl, realmName: 'master' });
      await kc.auth({
        grantType: 'password',
        clientId: 'admin-cli',
        username: 'root',
        password: 'root-password-for-tests',
      });
      kc.setConfig({ realmName: 'techstore' });
    });
    after(() => idp.close());

    const as = async (clientId: string) => {
      const client = new KcAdminClient({ baseUrl: idp.baseUrl, realmName: 'techstore' });
      await client.auth({ grantType: 'client_credentials', clientId, clientSecret: `${clientId}-secret` });
      return client;
    };
    const clientToken = async (clientId: string, secret: string, scope: string) => {
      const res = await postForm(oidcUrl(idp, 'token'), {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        scope,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return JSON.parse(
        Buffer.from((res.body.access_token as string).split('.')[1] as string, 'base64url').toString(),
      ) as Record<string, unknown>;
    };

    test('a client created with roles, scopes, a mapper and a service account issues the tokens they describe', async () => {
      await kc.clientScopes.create({
        name: 'reports-api',
        protocol: 'openid-connect',
        attributes: { 'include.in.token.scope': 'true' },
      });
      const scope = (await kc.clientScopes.find()).find((s) => s.name === 'reports-api');
      await kc.clientScopes.addProtocolMapper(
        { id: scope?.id as string },
        {
          name: 'reports audience',
          protocol: 'openid-connect',
          protocolMapper: 'oidc-audience-mapper',
          config: { 'included.client.audience': 'reports', 'access.token.claim': 'true' },
        },
      );
      await kc.clients.create({
        clientId: 'reports',
        secret: 'reports-secret-value',
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
        fullScopeAllowed: false,
      });
      const [reports] = await kc.clients.find({ clientId: 'reports' });
      await kc.clients.createRole({ id: reports?.id as string, name: 'reports:read' });
      const role = await kc.clients.findRole({ id: reports?.id as string, roleName: 'reports:read' });
      await kc.clientScopes.addClientScopeMappings(
        { id: scope?.id as string, client: reports?.id as string },
        [{ id: role?.id as string, name: 'reports:read' }],
      );
      await kc.clients.addOptionalClientScope({
        id: reports?.id as string,
        clientScopeId: scope?.id as string,
      });
      const user = await kc.clients.getServiceAccountUser({ id: reports?.id as string });
      await kc.users.addClientRoleMappings({
        id: user.id as string,
        clientUniqueId: reports?.id as string,
        roles: [{ id: role?.id as string, name: 'reports:read' }],
      });

      const claims = await clientToken('reports', 'reports-secret-value', 'reports-api');
      assert.equal(claims.aud, 'reports');
      assert.deepEqual(claims.resource_access, { reports: { roles: ['reports:read'] } });
      assert.deepEqual(
        (
          await kc.clientScopes.listScopeMappings({ id: scope?.id as string })
        ).clientMappings?.reports?.mappings?.map((r: { name?: string }) => r.name),
        ['reports:read'],
      );
      assert.deepEqual(
        (await kc.clients.listOptionalClientScopes({ id: reports?.id as string })).map((s) => s.name),
        ['offline_access', 'reports-api'], // offline_access: the realm's default optional scope
      );
    });

    test('duplicates answer 409 as Keycloak does and change nothing', async () => {
      await assert.rejects(
        kc.clients.create({ clientId: 'gateway' }),
        status(409, { errorMessage: 'Client gateway already exists' }),
      );
      await assert.rejects(
        kc.clientScopes.create({ name: 'roles' }),
        status(409, { errorMessage: 'Client Scope roles already exists' }),
      );
      const [inventory] = await kc.clients.find({ clientId: 'inventory-service' });
      await assert.rejects(
        kc.clients.createRole({ id: inventory?.id as string, name: 'stock:read' }),
        status(409, { errorMessage: 'Role with name stock:read already exists' }),
      );
      const scope = (await kc.clientScopes.find()).find((s) => s.name === 'inventory-api');
      await assert.rejects(
        kc.clientScopes.addProtocolMapper(
          { id: scope?.id as string },
          { name: 'inventory-service audience', protocolMapper: 'oidc-audience-mapper' },
        ),
        status(409),
      );
      assert.equal((await kc.clientScopes.listProtocolMappers({ id: scope?.id as string })).length, 1);
    });

    test('bad input answers 400 and changes nothing', async () => {
      await assert.rejects(
        kc.realms.update({ realm: 'techstore' }, { sslRequired: 'sometimes' }),
        status(400),
      );
      await assert.rejects(
        kc.realms.update({ realm: 'techstore' }, { accessTokenLifespan: '3600' as unknown as number }),
        status(400, { errorMessage: 'accessTokenLifespan must be number' }),
      );
      await assert.rejects(
        kc.realms.update({ realm: 'techstore' }, { passwordPolicy: 'length 12' }),
        status(400),
      );
      const realm = await kc.realms.findOne({ realm: 'techstore' });
      assert.equal(realm?.sslRequired, 'external');
      assert.equal(realm?.accessTokenLifespan, 300);
      await assert.rejects(
        kc.clients.create({ clientId: 'odd', redirectUris: 'https://x' as unknown as string[] }),
        status(400),
      );
      await assert.rejects(kc.clients.create({ name: 'no client id' }), status(400));
      assert.deepEqual(await kc.clients.find({ clientId: 'odd' }), []);
      const [gateway] = await kc.clients.find({ clientId: 'gateway' });
      await assert.rejects(
        kc.clients.update({ id: gateway?.id as string }, { clientId: 'renamed' }),
        status(400),
      );
      await assert.rejects(
        kc.clients.update(
          { id: gateway?.id as string },
          { attributes: { 'pkce.code.challenge.method': 256 } as unknown as Record<string, string> },
        ),
        status(400),
      );
      assert.equal(
        (await kc.clients.findOne({ id: gateway?.id as string }))?.attributes?.['pkce.code.challenge.method'],
        'S256',
      );
    });

    test('roles are deleted by name, leaving every mapping and composite; the default role stays (conformance: admin role-writes)', async () => {
      const [inventory] = await kc.clients.find({ clientId: 'inventory-service' });
      const id = inventory?.id as string;
      // Keycloak's Location keeps ':' in the segment, and the admin client reads the name from it.
      assert.deepEqual(await kc.clients.createRole({ id, name: 'stock:audit' }), { roleName: 'stock:audit' });
      await kc.roles.create({ name: 'auditor' });
      const auditor = await kc.roles.findOneByName({ name: 'auditor' });
      const stockAudit = await kc.clients.findRole({ id, roleName: 'stock:audit' });
      await kc.roles.createComposite({ roleId: auditor?.id as string }, [stockAudit!]);
      const [mario] = await kc.users.find({ username: 'mario', exact: true });
      await kc.users.addClientRoleMappings({
        id: mario?.id as string,
        clientUniqueId: id,
        roles: [{ id: stockAudit?.id as string, name: 'stock:audit' }],
      });

      await kc.clients.delRole({ id, roleName: 'stock:audit' });
      assert.deepEqual(await kc.roles.getCompositeRoles({ id: auditor?.id as string }), []);
      const mappings = await kc.users.listClientRoleMappings({ id: mario?.id as string, clientUniqueId: id });
      assert.ok(!mappings.some((r) => r.name === 'stock:audit'));
      await kc.roles.delByName({ name: 'auditor' });
      assert.equal(await kc.roles.findOneByName({ name: 'auditor' }), null);
      await assert.rejects(kc.roles.delByName({ name: 'auditor' }), status(404));
      await assert.rejects(
        kc.roles.delByName({ name: 'default-roles-techstore' }),
        status(400, {
          errorMessage: 'default-roles-techstore is default role of the realm and cannot be removed.',
        }),
      );
      // manage-realm deletes realm roles, not client roles (manage-clients).
      await kc.roles.create({ name: 'short-lived' });
      const manager = await as('realm-manager');
      await manager.roles.delByName({ name: 'short-lived' });
      await assert.rejects(manager.clients.delRole({ id, roleName: 'stock:read' }), status(403));
    });

    test('a realm update keeps what it does not name, and the next token follows it', async () => {
      await kc.realms.update({ realm: 'techstore' }, { accessTokenLifespan: 120 });
      const realm = await kc.realms.findOne({ realm: 'techstore' });
      assert.equal(realm?.accessTokenLifespan, 120);
      assert.equal(realm?.bruteForceProtected, true);
      await kc.clients.create({
        clientId: 'lifespan-probe',
        secret: 'lifespan-probe-secret',
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
      });
      const claims = await clientToken('lifespan-probe', 'lifespan-probe-secret', '');
      assert.equal((claims.exp as number) - (claims.iat as number), 120);
      await kc.realms.update({ realm: 'techstore' }, { accessTokenLifespan: 300 });
    });

    test('refuses callers without the permission: 401 anonymous, 403 a realm user, 403 view-only, 403 manage-realm on clients', async () => {
      const anonymous = await fetch(`${idp.baseUrl}/admin/realms/techstore/clients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"clientId":"x"}',
      });
      assert.equal(anonymous.status, 401);
      const user = await postForm(oidcUrl(idp, 'token'), {
        grant_type: 'password',
        client_id: 'techstore-cli',
        username: 'admin',
        password: 'admin123',
      });
      const asUser = await fetch(`${idp.baseUrl}/admin/realms/techstore/client-scopes`, {
        headers: { authorization: `Bearer ${user.body.access_token as string}` },
      });
      assert.equal(asUser.status, 403, 'the shop admin is not a Keycloak administrator');

      const auditor = await as('auditor');
      assert.ok((await auditor.clientScopes.find()).length > 0, 'view-clients reads client scopes');
      await assert.rejects(auditor.clients.create({ clientId: 'x' }), status(403));
      await assert.rejects(auditor.clientScopes.create({ name: 'x' }), status(403));
      await assert.rejects(
        auditor.realms.update({ realm: 'techstore' }, { sslRequired: 'none' }),
        status(403),
      );
      const [gateway] = await auditor.clients.find({ clientId: 'gateway' });
      await assert.rejects(
        auditor.clients.update({ id: gateway?.id as string }, { directAccessGrantsEnabled: true }),
        status(403),
      );

      const manager = await as('realm-manager');
      await assert.rejects(manager.clients.create({ clientId: 'x' }), status(403));
      // manage-realm may edit composites, but not slip a realm-management role into one.
      const defaultRole = await manager.roles.findOneByName({ name: 'default-roles-techstore' });
      const [management] = await kc.clients.find({ clientId: 'realm-management' });
      const realmAdmin = await kc.clients.findRole({ id: management?.id as string, roleName: 'realm-admin' });
      await assert.rejects(
        manager.roles.createComposite({ roleId: defaultRole?.id as string }, [
          { id: realmAdmin?.id as string, name: 'realm-admin' },
        ]),
        status(403),
      );
      assert.ok(
        !(await kc.roles.getCompositeRoles({ id: defaultRole?.id as string })).some(
          (r) => r.name === 'realm-admin',
        ),
      );
      assert.equal(
        (await kc.clients.findOne({ id: gateway?.id as string }))?.directAccessGrantsEnabled,
        false,
      );
    });
  },
);
