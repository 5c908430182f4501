/**
 * The Admin REST subset the idp implements, driven with @keycloak/keycloak-admin-client as an
 * operator's script would: the same calls against both sides, the answers compared by rule.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminOf, refusal } from './support/admin.ts';
import { assertConformant, conform } from './support/compare.ts';
import { basic, postForm } from './support/http.ts';
import { normalise } from './support/normalise.ts';
import type { Side } from './support/sides.ts';
import { describeConformance } from './support/suite.ts';

describeConformance('Admin REST', (sides) => {
  const admin = (side: Side) => adminOf(sides(), side);

  test('users: find, count, findOne', async () => {
    const { keycloak } = await conform(sides(), 'admin users', async (side) => {
      const kc = await admin(side);
      const [mario] = await kc.users.find({ username: 'mario', exact: true });
      return {
        mario,
        byEmail: (await kc.users.find({ email: 'luigi.verdi@example.com', exact: true })).map(
          (u) => u.username,
        ),
        byEmailPart: (await kc.users.find({ email: 'verdi@example' })).map((u) => u.username),
        search: (await kc.users.find({ search: 'mar' })).map((u) => u.username),
        count: await kc.users.count(),
        one: await kc.users.findOne({ id: mario!.id! }),
        page: (await kc.users.find({ first: 1, max: 2 })).length,
      };
    });
    // Alike, and as meant: each search finds its user.
    assert.deepEqual(keycloak.byEmail, ['luigi']);
    assert.deepEqual(keycloak.byEmailPart, ['luigi']);
    assert.ok(keycloak.search.includes('mario'));
  });

  test('users: create, update, role mappings, delete', async () => {
    await conform(sides(), 'admin user lifecycle', async (side) => {
      const kc = await admin(side);
      const created = await kc.users.create({ username: 'peach', email: 'peach@example.com', enabled: true });
      await kc.users.update(
        { id: created.id },
        { firstName: 'Peach', attributes: { canCheckout: ['true'] } },
      );
      const role = await kc.roles.findOneByName({ name: 'can-checkout' });
      await kc.users.addRealmRoleMappings({ id: created.id, roles: [{ id: role!.id!, name: role!.name! }] });
      const result = {
        created,
        user: await kc.users.findOne({ id: created.id }),
        roles: (await kc.users.listRealmRoleMappings({ id: created.id })).map((r) => r.name),
        composite: (await kc.users.listCompositeRealmRoleMappings({ id: created.id })).map((r) => r.name),
        weakPassword: await refusal(
          kc.users.resetPassword({
            id: created.id,
            credential: { type: 'password', value: 'short', temporary: false },
          }),
        ),
        duplicate: await refusal(kc.users.create({ username: 'peach', enabled: true })),
      };
      await kc.users.del({ id: created.id });
      return { ...result, afterDelete: await kc.users.findOne({ id: created.id }) };
    });
  });

  test('realm roles and clients', async () => {
    await conform(sides(), 'admin roles-clients', async (side) => {
      const kc = await admin(side);
      const [gateway] = await kc.clients.find({ clientId: 'gateway' });
      const [shopApi] = await kc.clients.find({ clientId: 'shop-api' });
      return {
        roles: (await kc.roles.find()).map((r) => r.name),
        admin: await kc.roles.findOneByName({ name: 'admin' }),
        gateway: {
          clientId: gateway?.clientId,
          publicClient: gateway?.publicClient,
          redirectUris: gateway?.redirectUris,
        },
        serviceAccount: (await kc.clients.getServiceAccountUser({ id: shopApi!.id! })).username,
        clientRoles: (await kc.clients.listRoles({ id: shopApi!.id! })).map((r) => r.name),
        missing: await refusal(
          kc.users.findOne({ id: '00000000-0000-0000-0000-000000000000' }).then((u) => u ?? 'none'),
        ),
      };
    });
  });

  test('realm: findOne, the settings the idp keeps', async () => {
    // The idp answers the settings it keeps (README); Keycloak's answer is compared on those.
    const read = async (side: Side) =>
      (await (await admin(side)).realms.findOne({ realm: sides().realm })) as Record<string, unknown>;
    const idp = await read(sides().idp);
    const keycloak = await read(sides().keycloak);
    const kept = Object.fromEntries(Object.keys(idp).map((field) => [field, keycloak[field]]));
    assertConformant(
      'admin realm',
      normalise(idp, sides().idp.origin),
      normalise(kept, sides().keycloak.origin),
    );
  });

  test('client secret: read, replaced by an update (as npm run realm -- apply sets it), the old one refused', async () => {
    const { keycloak } = await conform(sides(), 'admin client-secret', async (side) => {
      const kc = await admin(side);
      const [client] = await kc.clients.find({ clientId: 'order-reconciler' });
      const id = client!.id!;
      const grant = async (secret: string) =>
        postForm(side.oidc('token'), { grant_type: 'client_credentials' }, basic('order-reconciler', secret));
      const before = await kc.clients.getClientSecret({ id });
      const replacement = 'a-replaced-secret-for-the-conformance-suite';
      await kc.clients.update({ id }, { clientId: 'order-reconciler', secret: replacement });
      try {
        const newGrant = await grant(replacement);
        return {
          before: {
            type: before.type,
            isTheRealmFilesSecret: before.value === sides().secrets.ORDER_RECONCILER_CLIENT_SECRET,
          },
          after: await kc.clients.getClientSecret({ id }),
          oldSecret: await grant(before.value!),
          newSecret: {
            status: newGrant.status,
            tokenType: (newGrant.body as { token_type?: string }).token_type,
          },
        };
      } finally {
        await kc.clients.update({ id }, { clientId: 'order-reconciler', secret: before.value! });
      }
    });
    // Alike, and as meant: the old secret refused, the new one granted.
    assert.equal(keycloak.oldSecret.status, 401);
    assert.equal(keycloak.newSecret.status, 200);
  });

  test('realm and client roles: create, 409 on a duplicate, delete (npm run realm -- apply --prune)', async () => {
    const { keycloak } = await conform(sides(), 'admin role-writes', async (side) => {
      const kc = await admin(side);
      const [inventory] = await kc.clients.find({ clientId: 'inventory-service' });
      const id = inventory!.id!;
      const realmRole = { name: 'conformance-role', description: 'made by the conformance suite' };
      const clientRole = { name: 'conformance:client-role', description: 'made by the conformance suite' };
      const created = {
        realm: await kc.roles.create(realmRole),
        client: await kc.clients.createRole({ id, ...clientRole }),
      };
      const duplicate = {
        realm: await refusal(kc.roles.create(realmRole)),
        client: await refusal(kc.clients.createRole({ id, ...clientRole })),
      };
      const read = {
        realm: await kc.roles.findOneByName({ name: realmRole.name }),
        client: await kc.clients.findRole({ id, roleName: clientRole.name }),
      };
      await kc.roles.delByName({ name: realmRole.name });
      await kc.clients.delRole({ id, roleName: clientRole.name });
      const defaultRole = (await kc.realms.findOne({ realm: sides().realm }))!.defaultRole!.name!;
      return {
        created,
        duplicate,
        read,
        afterDelete: {
          realm: await kc.roles.findOneByName({ name: realmRole.name }),
          client: await refusal(kc.clients.findRole({ id, roleName: clientRole.name })),
          realmRoles: (await kc.roles.find()).map((role) => role.name).includes(realmRole.name),
        },
        deleteMissing: {
          realm: await refusal(kc.roles.delByName({ name: 'no-such-role' })),
          client: await refusal(kc.clients.delRole({ id, roleName: 'no-such-role' })),
        },
        deleteDefaultRole: await refusal(kc.roles.delByName({ name: defaultRole })),
      };
    });
    assert.deepEqual(keycloak.duplicate.realm, {
      status: 409,
      body: { errorMessage: 'Role with name conformance-role already exists' },
    });
    assert.equal(keycloak.afterDelete.realmRoles, false);
  });

  test('per-client role mappings: add, list, composite, available, delete', async () => {
    const { keycloak } = await conform(sides(), 'admin client role mappings', async (side) => {
      const kc = await admin(side);
      const [inventory] = await kc.clients.find({ clientId: 'inventory-service' });
      const clientUniqueId = inventory!.id!;
      const role = (name: string) => kc.clients.findRole({ id: clientUniqueId, roleName: name });
      // A composite client role: holding it holds stock:read too.
      await kc.clients.createRole({ id: clientUniqueId, name: 'conformance:bundle' });
      const bundle = (await role('conformance:bundle'))!;
      const stockRead = (await role('stock:read'))!;
      await kc.roles.createComposite({ roleId: bundle.id! }, [stockRead]);
      const user = await kc.users.create({ username: 'toad', enabled: true });
      const names = (roles: { name?: string }[]) => roles.map((r) => r.name);
      try {
        await kc.users.addClientRoleMappings({
          id: user.id,
          clientUniqueId,
          roles: [{ id: bundle.id!, name: bundle.name! }],
        });
        const mapped = {
          list: names(await kc.users.listClientRoleMappings({ id: user.id, clientUniqueId })),
          composite: names(await kc.users.listCompositeClientRoleMappings({ id: user.id, clientUniqueId })),
          available: names(await kc.users.listAvailableClientRoleMappings({ id: user.id, clientUniqueId })),
          all: Object.keys((await kc.users.listRoleMappings({ id: user.id })).clientMappings ?? {}),
        };
        await kc.users.delClientRoleMappings({
          id: user.id,
          clientUniqueId,
          roles: [{ id: bundle.id!, name: bundle.name! }],
        });
        return {
          mapped,
          afterDelete: names(await kc.users.listCompositeClientRoleMappings({ id: user.id, clientUniqueId })),
          unknownRole: await refusal(
            kc.users.addClientRoleMappings({
              id: user.id,
              clientUniqueId,
              roles: [{ id: '00000000-0000-0000-0000-000000000000', name: 'no-such-role' }],
            }),
          ),
        };
      } finally {
        await kc.users.del({ id: user.id });
        await kc.clients.delRole({ id: clientUniqueId, roleName: 'conformance:bundle' });
      }
    });
    // The composite brings stock:read along; the deletion takes both away.
    assert.deepEqual(keycloak.mapped.composite.sort(), ['conformance:bundle', 'stock:read']);
    assert.deepEqual(keycloak.afterDelete, []);
  });

  test('user logout: the sessions end, a refresh is refused', async () => {
    const { keycloak } = await conform(sides(), 'admin user logout', async (side) => {
      const kc = await admin(side);
      const login = await postForm(side.oidc('token'), {
        grant_type: 'password',
        client_id: 'techstore-cli',
        username: 'luigi',
        password: 'luigi123',
      });
      const { refresh_token: refreshToken } = login.body as { refresh_token: string };
      const [luigi] = await kc.users.find({ username: 'luigi', exact: true });
      await kc.users.logout({ id: luigi!.id! });
      return {
        login: login.status,
        refreshed: await postForm(side.oidc('token'), {
          grant_type: 'refresh_token',
          client_id: 'techstore-cli',
          refresh_token: refreshToken,
        }),
      };
    });
    assert.equal(keycloak.login, 200);
    assert.equal(keycloak.refreshed.status, 400, 'the refresh after the logout is refused');
  });
});
