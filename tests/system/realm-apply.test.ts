/**
 * `npm run realm -- diff|apply` against a running idp: apply builds the file's realm from an
 * empty one, restores it after changes made by hand, changes nothing when run twice, deletes only
 * with --prune, and never prints a secret.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openAdminSession } from '../../scripts/realm/admin-session.ts';
import { readLiveRealm } from '../../scripts/realm/read-live-realm.ts';
import { describeOnEachIdentity } from '../support/identity-providers.ts';
import { loadRealmFile } from '../../scripts/realm/load-realm-file.ts';
import { desiredState, withDefaultRole, type RoleState } from '../../scripts/realm/realm-state.ts';
import { REALM_FILE } from '../../scripts/lib/keycloak/realm-import.ts';
import { SECRET_NAMES } from '@mockmart/devstack';
import { runRealm, serviceTokenClaims, startRealmTarget, type RealmTarget } from './support/realm-target.ts';

const renamedRoles = (roles: Map<string, RoleState>) =>
  new Map([...roles].map(([n, r]) => [n === FILE.defaultRole ? 'default-roles' : n, r]));

/** What the realm file declares (placeholders as they are: only names and fields are used). */
const FILE = desiredState(
  loadRealmFile(REALM_FILE, new Proxy({}, { get: (_, name) => `\${${String(name)}}` }), {
    withSecrets: false,
  }),
);
const FILE_ROLES = renamedRoles(FILE.realmRoles);

// The realm's client secrets: every generated secret of the system that a client holds.
const CLIENT_SECRETS = SECRET_NAMES.filter((name) => name.endsWith('_CLIENT_SECRET'));

const assertNoSecret = (target: RealmTarget, output: string) => {
  for (const name of [...CLIENT_SECRETS, 'KC_BOOTSTRAP_ADMIN_PASSWORD'])
    assert.ok(!output.includes(target.env[name] as string), `${name}'s value is printed`);
};

/** The running realm as comparable data: names only, no internal ids, sets sorted. */
async function snapshot(target: RealmTarget) {
  const session = await openAdminSession(target.baseUrl, target.realm, {
    kind: 'bootstrap-admin',
    username: target.env.KC_BOOTSTRAP_ADMIN_USERNAME as string,
    password: target.env.KC_BOOTSTRAP_ADMIN_PASSWORD as string,
  });
  const read = await readLiveRealm(session, { withSecrets: false });
  // The realms' names (and so their default roles' names) differ; the rest must not. Only what the
  // file declares counts: Keycloak's built-ins (account-console's URLs name the realm; an import
  // that lists client scopes gets no built-in scopes besides them) are Keycloak's, not the file's.
  const live = withDefaultRole(read as NonNullable<typeof read>, 'default-roles');
  // Fields and attributes the file leaves out keep each server's defaults (Keycloak's differ
  // between a client created and one imported, e.g. client.secret.creation.time).
  const stated = (settings: Record<string, unknown>, file: Record<string, unknown>) => ({
    ...Object.fromEntries(Object.keys(file).map((k) => [k, settings[k]])),
    attributes: Object.fromEntries(
      Object.keys((file.attributes ?? {}) as object).map((k) => [
        k,
        (settings.attributes as Record<string, unknown>)?.[k],
      ]),
    ),
  });
  const only = <T>(map: Map<string, T>, names: Set<string>) =>
    new Map([...map].filter(([name]) => names.has(name)));
  const declared = {
    settings: Object.fromEntries(Object.keys(FILE.settings).map((k) => [k, live.settings[k]])),
    // Composites too: Keycloak's import adds the account roles to the default role on its own
    // (the file names no `account` client), a new realm has them too, the idp's import does not.
    realmRoles: new Map(
      [...FILE_ROLES].flatMap(([name, fileRole]) => {
        const role = live.realmRoles.get(name);
        return role
          ? [[name, { ...role, composites: [...role.composites].filter((k) => fileRole.composites.has(k)) }]]
          : [];
      }),
    ),
    clients: new Map(
      [...only(live.clients, new Set(FILE.clients.keys()))].map(([id, c]) => [
        id,
        { ...c, settings: stated(c.settings, FILE.clients.get(id)?.settings ?? {}) },
      ]),
    ),
    scopes: new Map(
      [...only(live.scopes, new Set(FILE.scopes.keys()))].map(([name, scope]) => [
        name,
        {
          ...scope,
          settings: stated(scope.settings, FILE.scopes.get(name)?.settings ?? {}),
          // A new realm's built-in scopes hold more mappers than the file's (profile: nickname …).
          mappers: (FILE.scopes.get(name)?.mappers ?? []).map((fileMapper) => {
            const mapper = scope.mappers.find((m) => m.name === fileMapper.name);
            return (
              mapper && {
                ...mapper,
                config: Object.fromEntries(Object.keys(fileMapper.config).map((k) => [k, mapper.config[k]])),
              }
            );
          }),
        },
      ]),
    ),
  };
  return JSON.parse(
    JSON.stringify(declared, (key, value: unknown) => {
      if (key === 'id') return undefined;
      if (value instanceof Set) return [...value].sort();
      if (value instanceof Map)
        return Object.fromEntries([...value.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value].sort();
      if (Array.isArray(value) && value.every((v) => typeof v?.name === 'string'))
        return [...value].sort((a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1));
      return value;
    }),
  ) as Record<string, unknown>;
}

describeOnEachIdentity('realm as code: apply on an empty realm', { timeout: 180_000 }, (provider) => {
  let empty: RealmTarget;
  let imported: RealmTarget;
  before(async () => {
    empty = await startRealmTarget(provider.side, 'empty');
    imported = await startRealmTarget(provider.side, 'import');
  });
  after(async () => {
    await Promise.all([empty?.close(), imported?.close()]);
  });

  test('the realm an import of the file gives shows no difference', async () => {
    const diff = await imported.run('diff');
    assert.equal(diff.code, 0, diff.output);
    assert.match(diff.output, /0 to create or add, 0 to change, 0 to delete or remove, \d+ unchanged/);
  });

  test('a dry run shows the plan and changes nothing', async () => {
    const dry = await empty.run('apply');
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.output, /\+ create client gateway/);
    assert.match(dry.output, /dry run: nothing changed/);
    assert.equal((await empty.run('diff')).code, 1, 'the realm still differs');
  });

  test('apply --yes --set-secrets yields the realm an import gives, without printing a secret', async () => {
    const applied = await empty.run('apply', '--yes', '--set-secrets');
    assert.equal(applied.code, 0, applied.output);
    assert.match(applied.output, /matches the file/);
    assertNoSecret(empty, applied.output);

    const diff = await empty.run('diff', '--set-secrets');
    assert.equal(diff.code, 0, diff.output);
    // Equivalent to the import: the same realm state for everything the file declares, and the
    // same tokens for the same request.
    assert.deepEqual(await snapshot(empty), await snapshot(imported));
    for (const scope of ['inventory-api', 'payment-api', 'notification-admin', 'inventory-faults']) {
      const [a, b] = await Promise.all(
        [empty, imported].map((t) =>
          serviceTokenClaims(t, 'shop-api', t.env.SHOP_API_CLIENT_SECRET as string, scope),
        ),
      );
      for (const claim of ['aud', 'resource_access', 'realm_access', 'scope', 'azp', 'client_id'])
        assert.deepEqual(a?.[claim], b?.[claim], `${scope}: ${claim}`);
    }
  });

  test('apply --prune also removes what the file does not mention, and then nothing is left to prune', async () => {
    const pruned = await empty.run('apply', '--yes', '--prune');
    assert.equal(pruned.code, 0, pruned.output);
    assert.match(pruned.output, /- remove composites of realm-role default-roles-[\w-]+\n/);
    for (const role of ['client/account/view-profile', 'client/account/manage-account'])
      assert.ok(pruned.output.includes(`\n      ${role}\n`), `${role} leaves the default role`);
    const left = await empty.run('diff', '--prune');
    assert.equal(left.code, 0, left.output);
  });

  test('a second apply changes nothing', async () => {
    const again = await empty.run('apply', '--yes', '--set-secrets', '--json');
    assert.equal(again.code, 0, again.output);
    const result = JSON.parse(again.output) as { applied: boolean; steps: unknown[] };
    assert.equal(result.applied, false);
    assert.deepEqual(result.steps, []);
  });
});

describeOnEachIdentity('realm as code: changes made by hand', { timeout: 180_000 }, (provider) => {
  let target: RealmTarget;
  before(async () => {
    target = await startRealmTarget(provider.side, 'import');
  });
  after(() => target?.close());

  test('diff names each change, apply restores the file, an unknown client stays unless --prune', async () => {
    const kc = await target.admin();
    const [gateway] = await kc.clients.find({ clientId: 'gateway' });
    const [shopApi] = await kc.clients.find({ clientId: 'shop-api' });
    const [payment] = await kc.clients.find({ clientId: 'payment-service' });
    const scopes = await kc.clientScopes.find();
    const audience = scopes.find((s) => s.name === 'shop-api-audience');
    const mapper = audience?.protocolMappers?.find((m) => m.name === 'shop-api audience');
    await kc.clients.update({ id: gateway?.id as string }, { redirectUris: [] });
    await kc.clientScopes.delProtocolMapper({
      id: audience?.id as string,
      mapperId: mapper?.id as string,
    });
    await kc.realms.update({ realm: target.realm }, { sslRequired: 'none' });
    await kc.clients.delDefaultClientScope({
      id: gateway?.id as string,
      clientScopeId: audience?.id as string,
    });
    const serviceAccount = await kc.clients.getServiceAccountUser({ id: shopApi?.id as string });
    const charge = await kc.clients.findRole({ id: payment?.id as string, roleName: 'payments:charge' });
    await kc.users.delClientRoleMappings({
      id: serviceAccount.id as string,
      clientUniqueId: payment?.id as string,
      roles: [{ id: charge?.id as string, name: 'payments:charge' }],
    });
    await kc.clients.create({ clientId: 'stray-client', publicClient: true });

    const diff = await target.run('diff', '--json');
    assert.equal(diff.code, 1, diff.output);
    const steps = (
      JSON.parse(diff.output) as {
        steps: { action: string; target: string; changes: { field: string }[] }[];
      }
    ).steps;
    const find = (action: string, what: string) =>
      steps.find((s) => s.action === action && s.target === what);
    assert.deepEqual(
      find('update', `realm ${target.realm}`)?.changes.map((c) => c.field),
      ['sslRequired'],
    );
    assert.deepEqual(
      find('update', 'client gateway')?.changes.map((c) => c.field),
      ['redirectUris'],
    );
    assert.ok(find('create', 'mapper shop-api-audience/shop-api audience'));
    assert.deepEqual(
      find('add', 'default client scopes of client gateway')?.changes.map((c) => c.field),
      ['shop-api-audience'],
    );
    assert.deepEqual(
      find('add', 'service-account roles of client shop-api')?.changes.map((c) => c.field),
      ['client/payment-service/payments:charge'],
    );
    assert.equal(steps.length, 5, JSON.stringify(steps, null, 1));

    const applied = await target.run('apply', '--yes');
    assert.equal(applied.code, 0, applied.output);
    assert.equal((await target.run('diff')).code, 0);
    const token = await serviceTokenClaims(
      target,
      'shop-api',
      target.env.SHOP_API_CLIENT_SECRET as string,
      'payment-api',
    );
    assert.deepEqual(
      (token.resource_access as Record<string, { roles: string[] }>)['payment-service']?.roles.sort(),
      ['payments:charge', 'payments:read', 'payments:refund'],
    );
    assert.equal((await kc.clients.find({ clientId: 'stray-client' })).length, 1, 'kept without --prune');

    const pruned = await target.run('apply', '--yes', '--prune');
    assert.equal(pruned.code, 0, pruned.output);
    assert.match(pruned.output, /- delete client stray-client/);
    assert.deepEqual(await kc.clients.find({ clientId: 'stray-client' }), []);
    for (const builtin of ['account', 'admin-cli', 'realm-management'])
      assert.equal((await kc.clients.find({ clientId: builtin })).length, 1, `${builtin} is never pruned`);
  });

  test('a changed client secret is set again only with --set-secrets, its value never shown', async () => {
    const kc = await target.admin();
    const [shopApi] = await kc.clients.find({ clientId: 'shop-api' });
    await kc.clients.update(
      { id: shopApi?.id as string },
      { secret: 'a-secret-someone-typed-in-the-console' },
    );
    assert.equal((await target.run('diff')).code, 0, 'secrets are not compared unless asked');
    const diff = await target.run('diff', '--set-secrets');
    assert.equal(diff.code, 1);
    assert.match(diff.output, /~ set secret of client shop-api\n\s+secret: \(hidden\)/);
    assert.ok(!diff.output.includes('a-secret-someone-typed-in-the-console'));
    assertNoSecret(target, diff.output);
    const applied = await target.run('apply', '--yes', '--set-secrets');
    assert.equal(applied.code, 0, applied.output);
    assertNoSecret(target, applied.output);
    await serviceTokenClaims(target, 'shop-api', target.env.SHOP_API_CLIENT_SECRET as string, 'payment-api');
  });

  test('signs in as a service account holding realm-management roles; refused without them', async () => {
    const kc = await target.admin();
    for (const clientId of ['realm-bot', 'realm-viewer'])
      await kc.clients.create({
        clientId,
        secret: `${clientId}-secret-of-enough-length`,
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
      });
    const [management] = await kc.clients.find({ clientId: 'realm-management' });
    for (const [clientId, role] of [
      ['realm-bot', 'realm-admin'],
      ['realm-viewer', 'view-realm'],
    ] as const) {
      const [client] = await kc.clients.find({ clientId });
      const user = await kc.clients.getServiceAccountUser({ id: client?.id as string });
      const granted = await kc.clients.findRole({ id: management?.id as string, roleName: role });
      await kc.users.addClientRoleMappings({
        id: user.id as string,
        clientUniqueId: management?.id as string,
        roles: [{ id: granted?.id as string, name: role }],
      });
    }
    await kc.realms.update({ realm: target.realm }, { accessTokenLifespan: 600 });
    const as = (clientId: string) => {
      const { KC_BOOTSTRAP_ADMIN_PASSWORD: _, ...env } = target.env;
      return {
        ...env,
        REALM_ADMIN_CLIENT_ID: clientId,
        REALM_ADMIN_CLIENT_SECRET: `${clientId}-secret-of-enough-length`,
      };
    };
    await assert.rejects(runRealm(['apply', '--yes'], as('realm-viewer')), /HTTP 403/);
    const applied = await runRealm(['apply', '--yes'], as('realm-bot'));
    assert.equal(applied.code, 0, applied.output);
    assert.equal((await kc.realms.findOne({ realm: target.realm }))?.accessTokenLifespan, 300);
  });
});
