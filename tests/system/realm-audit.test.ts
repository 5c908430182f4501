/**
 * `npm run realm -- audit` against a running idp: the shipped realm (realm file + development
 * users, as `npm start` runs it) passes every check; each seeded misconfiguration fails the check
 * it breaks, naming the client, setting or variable, and the exit code says so.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { describeOnEachIdentity } from '../support/identity-providers.ts';
import { runRealm, startRealmTarget, type RealmTarget } from './support/realm-target.ts';

interface AuditReport {
  pass: boolean;
  results: { id: string; title: string; pass: boolean; failures: string[]; fix: string }[];
}

const CHECKS = [
  'audience-mappers',
  'configurable-issuer',
  'service-account-detection',
  'claims-as-roles',
  'ssl-required',
  'no-secret-defaults',
  'pkce-s256',
  'no-wildcard-uris',
  'direct-grants',
  'brute-force',
  'lifespans',
  'backchannel-logout',
  'least-privilege-service-accounts',
];

describeOnEachIdentity('realm as code: audit', { timeout: 300_000 }, (provider) => {
  let target: RealmTarget;
  let kc: KcAdminClient;
  before(async () => {
    target = await startRealmTarget(provider.side, 'shipped');
  });
  // A fresh sign-in per test: the master realm's admin tokens live 60 s on Keycloak.
  beforeEach(async () => {
    kc = await target.admin();
  });
  after(() => target?.close());

  const audit = async (env: Record<string, string | undefined> = target.env) => {
    const run = await runRealm(['audit', '--json'], env);
    return { code: run.code, report: JSON.parse(run.output) as AuditReport };
  };
  const clientId = async (name: string) => (await kc.clients.find({ clientId: name }))[0]?.id as string;

  test('the shipped realm passes every check, one result per check with its fix', async () => {
    const { code, report } = await audit();
    assert.deepEqual(
      report.results.filter((r) => !r.pass).map((r) => `${r.id}: ${r.failures.join('; ')}`),
      [],
    );
    assert.equal(code, 0);
    assert.deepEqual(
      report.results.map((r) => r.id),
      CHECKS,
    );
    for (const r of report.results) assert.ok(r.title && r.fix, r.id);
    const text = await runRealm(['audit'], target.env);
    assert.match(text.output, /^PASS ssl-required +sslRequired is "external" or "all"$/m);
    assert.match(text.output, /all 13 checks pass$/);
  });

  /** A misconfiguration made through the Admin API, and how to take it back. */
  const seeds: {
    name: string;
    check: string;
    item: string | RegExp | (() => string);
    seed(): Promise<() => Promise<unknown>>;
  }[] = [
    {
      name: 'sslRequired none',
      check: 'ssl-required',
      item: () => `realm ${target.realm}: sslRequired is "none"`,
      seed: async () => {
        await kc.realms.update({ realm: target.realm }, { sslRequired: 'none' });
        return () => kc.realms.update({ realm: target.realm }, { sslRequired: 'external' });
      },
    },
    {
      name: 'a wildcard redirect URI',
      check: 'no-wildcard-uris',
      item: 'gateway: redirect URI http://localhost:8080/*',
      seed: async () => {
        const id = await clientId('gateway');
        await kc.clients.update({ id }, { redirectUris: ['http://localhost:8080/*'] });
        return () => kc.clients.update({ id }, { redirectUris: ['http://localhost:8080/bff/callback'] });
      },
    },
    {
      name: 'direct access grants on the gateway client',
      check: 'direct-grants',
      item: 'gateway: directAccessGrantsEnabled is on',
      seed: async () => {
        const id = await clientId('gateway');
        await kc.clients.update({ id }, { directAccessGrantsEnabled: true });
        return () => kc.clients.update({ id }, { directAccessGrantsEnabled: false });
      },
    },
    {
      name: 'a missing audience mapper',
      check: 'audience-mappers',
      item: 'shop-api: no default scope of gateway adds aud shop-api',
      seed: async () => {
        const scope = (await kc.clientScopes.find()).find((s) => s.name === 'shop-api-audience');
        const { id: mapperId, ...mapper } = scope?.protocolMappers?.[0] ?? {};
        await kc.clientScopes.delProtocolMapper({ id: scope?.id as string, mapperId: mapperId as string });
        return () => kc.clientScopes.addProtocolMapper({ id: scope?.id as string }, mapper);
      },
    },
    {
      name: 'PKCE plain on the gateway',
      check: 'pkce-s256',
      item: 'gateway: pkce.code.challenge.method is "plain"',
      seed: async () => {
        const id = await clientId('gateway');
        await kc.clients.update({ id }, { attributes: { 'pkce.code.challenge.method': 'plain' } });
        return () => kc.clients.update({ id }, { attributes: { 'pkce.code.challenge.method': 'S256' } });
      },
    },
    {
      name: 'brute-force protection off',
      check: 'brute-force',
      item: () => `realm ${target.realm}: bruteForceProtected is off`,
      seed: async () => {
        await kc.realms.update({ realm: target.realm }, { bruteForceProtected: false });
        return () => kc.realms.update({ realm: target.realm }, { bruteForceProtected: true });
      },
    },
    {
      name: 'hour-long access tokens',
      check: 'lifespans',
      item: () => `realm ${target.realm}: accessTokenLifespan is 3600`,
      seed: async () => {
        await kc.realms.update({ realm: target.realm }, { accessTokenLifespan: 3600 });
        return () => kc.realms.update({ realm: target.realm }, { accessTokenLifespan: 300 });
      },
    },
    {
      name: 'no back-channel logout URL on the gateway',
      check: 'backchannel-logout',
      item: 'gateway: backchannel.logout.url is not set',
      seed: async () => {
        const id = await clientId('gateway');
        await kc.clients.update({ id }, { attributes: { 'backchannel.logout.url': '' } });
        return () =>
          kc.clients.update(
            { id },
            { attributes: { 'backchannel.logout.url': 'http://localhost:8080/bff/backchannel-logout' } },
          );
      },
    },
    {
      name: 'checkout decided by an attribute: can-checkout out of the gateway role scope',
      check: 'claims-as-roles',
      item: 'gateway: realm role can-checkout is not in its role scope',
      seed: async () => {
        const id = await clientId('gateway');
        const role = await kc.roles.findOneByName({ name: 'can-checkout' });
        const roles = [{ id: role?.id as string, name: 'can-checkout' }];
        await kc.clients.delRealmScopeMappings({ id }, roles);
        return () => kc.clients.addRealmScopeMappings({ id }, roles);
      },
    },
    {
      name: 'a service account holding the realm role admin',
      check: 'least-privilege-service-accounts',
      item: 'shop-api: service account holds realm role admin',
      seed: async () => {
        const user = await kc.clients.getServiceAccountUser({ id: await clientId('shop-api') });
        const role = await kc.roles.findOneByName({ name: 'admin' });
        const roles = [{ id: role?.id as string, name: 'admin' }];
        await kc.users.addRealmRoleMappings({ id: user.id as string, roles });
        return () => kc.users.delRealmRoleMappings({ id: user.id as string, roles });
      },
    },
    {
      name: 'a downstream service whose roles no service account holds',
      check: 'service-account-detection',
      item: 'notification-service: no service account holds any of its roles',
      seed: async () => {
        const user = await kc.clients.getServiceAccountUser({ id: await clientId('shop-api') });
        const clientUniqueId = await clientId('notification-service');
        const roles = (await kc.users.listClientRoleMappings({ id: user.id as string, clientUniqueId })).map(
          (r) => ({
            id: r.id as string,
            name: r.name as string,
          }),
        );
        await kc.users.delClientRoleMappings({ id: user.id as string, clientUniqueId, roles });
        return () => kc.users.addClientRoleMappings({ id: user.id as string, clientUniqueId, roles });
      },
    },
  ];

  for (const { name, check, item, seed } of seeds) {
    test(`fails ${check} for ${name}, naming it`, async () => {
      const restore = await seed();
      try {
        const { code, report } = await audit();
        assert.equal(code, 1);
        assert.equal(report.pass, false);
        const result = report.results.find((r) => r.id === check);
        assert.equal(result?.pass, false, `${check} passes`);
        assert.ok(
          result?.failures.some((f) =>
            item instanceof RegExp ? item.test(f) : f === (typeof item === 'function' ? item() : item),
          ),
          `${check}: ${JSON.stringify(result?.failures)}`,
        );
        // Only the seeded check fails.
        assert.deepEqual(
          report.results.filter((r) => !r.pass).map((r) => r.id),
          [check],
        );
      } finally {
        await restore();
      }
    });
  }

  test("fails the environment checks: production issuer on localhost over http, a weak secret, the CLI client's password grant", async () => {
    const weak = 'weak-secret';
    const { code, report } = await audit({
      ...target.env,
      NODE_ENV: 'production',
      GATEWAY_CLIENT_SECRET: weak,
      PAYMENT_CLIENT_SECRET: '',
    });
    assert.equal(code, 1);
    const failures = (id: string) => report.results.find((r) => r.id === id)?.failures ?? [];
    assert.deepEqual(failures('configurable-issuer'), [
      'KEYCLOAK_PUBLIC_URL http://localhost:8080 is not https in production',
      'KEYCLOAK_PUBLIC_URL http://localhost:8080 is a local address in production',
    ]);
    assert.deepEqual(failures('no-secret-defaults'), [
      'GATEWAY_CLIENT_SECRET is shorter than 16 characters',
      'PAYMENT_CLIENT_SECRET is not set (nor PAYMENT_CLIENT_SECRET_FILE)',
    ]);
    assert.deepEqual(failures('direct-grants'), [
      'techstore-cli: directAccessGrantsEnabled is on (NODE_ENV=production)',
    ]);
    assert.ok(!JSON.stringify(report).includes(weak), 'a secret value is never reported');
  });

  test('fails configurable-issuer when the services expect another public URL', async () => {
    const { report } = await audit({ ...target.env, KEYCLOAK_PUBLIC_URL: 'https://shop.example.com' });
    assert.deepEqual(report.results.find((r) => r.id === 'configurable-issuer')?.failures, [
      `issuer is http://localhost:8080/auth/realms/${target.realm}, services expect https://shop.example.com/auth/realms/${target.realm}`,
    ]);
  });
});
