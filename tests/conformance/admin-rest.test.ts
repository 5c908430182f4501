/**
 * The Admin REST subset the idp implements, driven with @keycloak/keycloak-admin-client as an
 * operator's script would: the same calls against both sides, the answers compared by rule.
 */
import { test } from 'node:test';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { conform } from './support/compare.ts';
import type { Side, Sides } from './support/sides.ts';
import { describeConformance } from './support/suite.ts';

async function adminOf(sides: Sides, side: Side): Promise<KcAdminClient> {
  const admin = new KcAdminClient({ baseUrl: side.base, realmName: 'master' });
  await admin.auth({ ...sides.admin, grantType: 'password', clientId: 'admin-cli' });
  admin.setConfig({ realmName: sides.realm });
  return admin;
}

/** A refused call as the admin client reports it: the HTTP status and the body. */
async function refusal(call: Promise<unknown>): Promise<unknown> {
  try {
    return { unexpectedly: await call };
  } catch (error) {
    const { response, responseData } = error as { response?: Response; responseData?: unknown };
    return { status: response?.status, body: responseData };
  }
}

describeConformance('Admin REST', (sides) => {
  const admin = (side: Side) => adminOf(sides(), side);

  test('users: find, count, findOne', async () => {
    await conform(sides(), 'admin users', async (side) => {
      const kc = await admin(side);
      const [mario] = await kc.users.find({ username: 'mario', exact: true });
      return {
        mario,
        byEmail: (await kc.users.find({ email: 'luigi@example.com' })).map((u) => u.username),
        search: (await kc.users.find({ search: 'mar' })).map((u) => u.username),
        count: await kc.users.count(),
        one: await kc.users.findOne({ id: mario!.id! }),
        page: (await kc.users.find({ first: 1, max: 2 })).length,
      };
    });
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
});
