/**
 * The security checklist of the article "Keycloak in Practice: 6 Real-World Integration Problems
 * in an E-Commerce", the items that live in configuration and in the browser code. The items that
 * live in service code have their own tests: audience and service accounts in
 * tests/system/six-problems.test.ts and packages/auth/src/six-problems.test.ts, secrets in
 * tests/secret-scan.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url).pathname;
const realm = JSON.parse(readFileSync(`${root}deploy/keycloak/techstore-realm.json`, 'utf8')) as {
  sslRequired: string;
  bruteForceProtected: boolean;
  clients: Array<{
    clientId: string;
    publicClient?: boolean;
    directAccessGrantsEnabled?: boolean;
    implicitFlowEnabled?: boolean;
    standardFlowEnabled?: boolean;
    redirectUris?: string[];
    attributes?: Record<string, string>;
  }>;
};

test('the production realm requires TLS for external requests and locks out brute force', () => {
  assert.ok(['external', 'all'].includes(realm.sslRequired), `sslRequired is ${realm.sslRequired}`);
  assert.equal(realm.bruteForceProtected, true);
});

test('the production realm has no public client, no password grant and no implicit flow', () => {
  for (const client of realm.clients) {
    assert.notEqual(client.publicClient, true, `${client.clientId} is public`);
    assert.notEqual(client.directAccessGrantsEnabled, true, `${client.clientId} allows the password grant`);
    assert.notEqual(client.implicitFlowEnabled, true, `${client.clientId} allows the implicit flow`);
  }
});

test('the browser client uses PKCE S256 and exact redirect URIs (no wildcards)', () => {
  const browserClients = realm.clients.filter((client) => client.standardFlowEnabled);
  assert.ok(browserClients.length > 0);
  for (const client of browserClients) {
    assert.equal(client.attributes?.['pkce.code.challenge.method'], 'S256', client.clientId);
    for (const uri of client.redirectUris ?? []) assert.doesNotMatch(uri, /\*/, `${client.clientId}: ${uri}`);
  }
});

test('the shop UI holds no identity-provider URL and never stores a token (BFF: the session is server-side)', () => {
  const sources = globSync('apps/shop-ui/src/**/*.{ts,tsx}', { cwd: root });
  assert.ok(sources.length > 10, 'UI sources found');
  const offending = sources.flatMap((file) => {
    const text = readFileSync(`${root}${file}`, 'utf8');
    return [
      /\/realms\//,
      /localhost:\d+/,
      /localStorage|sessionStorage/,
      /access_token|refresh_token|id_token/,
      /keycloak-js/,
    ]
      .filter((pattern) => pattern.test(text))
      .map((pattern) => `${file}: ${pattern}`);
  });
  assert.deepEqual(offending, []);
});
