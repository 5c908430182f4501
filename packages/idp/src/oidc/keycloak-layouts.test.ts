import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Idp, RealmRep } from '../index.ts';
import { basic, browserLogin, decodeJwt, oidcUrl, postForm, startTestIdp } from '../testing/index.ts';

/**
 * The layouts recorded from Keycloak (fixtures in ./keycloak-layouts/) against what the
 * idp issues for a realm that declares no client scopes, so it has exactly Keycloak's built-in
 * defaults (basic, profile, email, roles, web-origins, acr; service_account for service accounts).
 * Claim by claim: stable claims by value, variable ones by type; the measured key order as well.
 */

interface Layout {
  header?: Record<string, unknown>;
  order?: string[];
  claims: Record<string, unknown>;
  response?: { keys: string[]; values: Record<string, unknown> };
  idToken?: Layout;
  refreshToken?: Layout;
}

const REALM = 'layouts';
const WEB_ORIGIN = 'http://app.example';
const realm: RealmRep = {
  realm: REALM,
  users: [
    {
      username: 'layout-user',
      enabled: true,
      email: 'layout.user@example.com',
      emailVerified: true,
      firstName: 'Layout',
      lastName: 'User',
      realmRoles: [`default-roles-${REALM}`],
      credentials: [{ type: 'password', value: 'layout-password', temporary: false }],
    },
  ],
  clients: [
    {
      clientId: 'layout-app',
      publicClient: true,
      standardFlowEnabled: true,
      directAccessGrantsEnabled: true,
      redirectUris: [`${WEB_ORIGIN}/callback`],
      webOrigins: [WEB_ORIGIN],
    },
    {
      clientId: 'layout-service',
      secret: 'layout-service-secret',
      standardFlowEnabled: false,
      serviceAccountsEnabled: true,
    },
  ],
};

const fixture = async (name: string): Promise<Layout> =>
  JSON.parse(await readFile(new URL(`./keycloak-layouts/${name}.json`, import.meta.url), 'utf8')) as Layout;

/** `${name}` placeholders of the fixtures. */
function substitute(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{(\w+)\}/g, (_m, k: string) => vars[k] ?? `\${${k}}`);
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

/** Matchers: `{$type}` for variable claims, `{$sorted}` for role lists (Keycloak does not order them), else the value. */
function matches(actual: unknown, expected: unknown, path: string): void {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>;
    if ('$type' in e) return assert.equal(typeof actual, e.$type, `${path}: type`);
    if ('$sorted' in e) return assert.deepEqual([...(actual as string[])].sort(), e.$sorted, path);
    assert.ok(actual && typeof actual === 'object', `${path}: an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(e).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(e))
      matches((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

function assertLayout(token: string, layout: Layout, vars: Record<string, string>, what: string): void {
  const { header, payload } = decodeJwt(token);
  if (layout.header) matches(header, substitute(layout.header, vars), `${what} header`);
  assert.deepEqual(Object.keys(payload).sort(), Object.keys(layout.claims).sort(), `${what}: the claim set`);
  if (layout.order)
    assert.deepEqual(
      Object.keys(payload).filter((k) => layout.order?.includes(k)),
      layout.order,
      `${what}: Keycloak's key order`,
    );
  for (const [claim, expected] of Object.entries(layout.claims))
    matches(payload[claim], substitute(expected, vars), `${what}.${claim}`);
}

function assertResponse(body: Record<string, unknown>, layout: Layout, vars: Record<string, string>): void {
  if (!layout.response) return;
  assert.deepEqual(Object.keys(body), layout.response.keys, 'token response keys');
  for (const [k, v] of Object.entries(layout.response.values)) matches(body[k], substitute(v, vars), k);
}

describe("token layouts of a realm with Keycloak's built-in default scopes", { timeout: 30_000 }, () => {
  let idp: Idp;
  const vars: Record<string, string> = {};
  before(async () => {
    idp = await startTestIdp({ realmFiles: [], realms: [realm] });
    const admin = await postForm(oidcUrl(idp, 'token', REALM), {
      grant_type: 'password',
      client_id: 'layout-app',
      username: 'layout-user',
      password: 'layout-password',
    });
    Object.assign(vars, {
      issuer: idp.issuer(REALM),
      realm: REALM,
      webOrigin: WEB_ORIGIN,
      userId: decodeJwt(admin.body.access_token as string).payload.sub as string,
    });
  });
  after(() => idp.close());

  test('authorization code + PKCE, public client, scope=openid: access, ID and refresh tokens (§2.2, §2.5, §2.6)', async () => {
    const layout = await fixture('code-flow');
    const verifier = randomBytes(32).toString('base64url');
    const auth = new URL(oidcUrl(idp, 'auth', REALM));
    auth.search = new URLSearchParams({
      client_id: 'layout-app',
      redirect_uri: `${WEB_ORIGIN}/callback`,
      response_type: 'code',
      scope: 'openid',
      state: 'st',
      nonce: 'layout-nonce',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const login = await browserLogin(auth.toString(), 'layout-user', 'layout-password');
    const code = new URL(login.location).searchParams.get('code') as string;
    const res = await postForm(oidcUrl(idp, 'token', REALM), {
      grant_type: 'authorization_code',
      client_id: 'layout-app',
      code,
      redirect_uri: `${WEB_ORIGIN}/callback`,
      code_verifier: verifier,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const v = { ...vars, clientId: 'layout-app', nonce: 'layout-nonce' };
    assertLayout(res.body.access_token as string, layout, v, 'access token');
    assertLayout(res.body.id_token as string, layout.idToken as Layout, v, 'ID token');
    assertLayout(res.body.refresh_token as string, layout.refreshToken as Layout, v, 'refresh token');
  });

  test('client credentials: the service-account layout (§2.3)', async () => {
    const layout = await fixture('client-credentials');
    const res = await postForm(
      oidcUrl(idp, 'token', REALM),
      { grant_type: 'client_credentials' },
      basic('layout-service', 'layout-service-secret'),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const serviceAccountUserId = decodeJwt(res.body.access_token as string).payload.sub as string;
    const v = { ...vars, clientId: 'layout-service', serviceAccountUserId };
    assertLayout(res.body.access_token as string, layout, v, 'service-account token');
    assertResponse(res.body, layout, v);
    assert.notEqual(serviceAccountUserId, vars.userId);
  });

  test('password grant without openid: the user layout, no ID token (§2.4)', async () => {
    const layout = await fixture('password-grant');
    const res = await postForm(oidcUrl(idp, 'token', REALM), {
      grant_type: 'password',
      client_id: 'layout-app',
      username: 'layout-user',
      password: 'layout-password',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const v = { ...vars, clientId: 'layout-app' };
    assertLayout(res.body.access_token as string, layout, v, 'access token');
    assertResponse(res.body, layout, v);
  });
});
