/**
 * A realm to run `npm run realm` against, on either identity provider, and the command run
 * in-process with its output captured. The tool talks to it over real HTTP through
 * @keycloak/keycloak-admin-client, as the bootstrap administrator of the master realm.
 * - idp: an embedded idp started in this process (cheap) with a master realm;
 * - keycloak: a realm of its own (unique name, deleted at close) on the run's shared Keycloak.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { startIdp, type RealmRep } from '@mockmart/idp';
import type { Secrets } from '@mockmart/devstack';
import { keycloakAdmin } from '../../../scripts/lib/keycloak/admin.ts';
import { KEYCLOAK_RELATIVE_PATH } from '../../../scripts/lib/keycloak/options.ts';
import {
  DEV_USERS_FILE,
  REALM_FILE,
  deleteRealm,
  importRealm,
} from '../../../scripts/lib/keycloak/realm-import.ts';
import { runRealmCommand } from '../../../scripts/realm/cli.ts';
import { sharedKeycloak, type IdentitySide } from '../../support/identity-providers.ts';

/** The public origin the realm's URLs (redirect URIs, back-channel logout, issuer) are made for. */
export const PUBLIC_URL = 'http://localhost:8080';

const secret = () => randomBytes(32).toString('base64url');

/** The services' environment: fresh random secrets, as `npm start` generates them. */
function servicesEnv(): Record<string, string> {
  return {
    NODE_ENV: 'development',
    KEYCLOAK_PUBLIC_URL: PUBLIC_URL,
    KEYCLOAK_RELATIVE_PATH,
    GATEWAY_PUBLIC_URL: PUBLIC_URL,
    GATEWAY_CLIENT_SECRET: secret(),
    SHOP_API_CLIENT_SECRET: secret(),
    INVENTORY_CLIENT_SECRET: secret(),
    PAYMENT_CLIENT_SECRET: secret(),
    NOTIFICATION_CLIENT_SECRET: secret(),
    ORDER_RECONCILER_CLIENT_SECRET: secret(),
    GATEWAY_SESSION_KEY: secret(),
  };
}

/**
 * - `import`: the realm file imported (as Keycloak's --import-realm does);
 * - `shipped`: the realm file and the development users, as `npm start` runs;
 * - `empty`: a new realm, with only what a new realm gets.
 */
export type RealmKind = 'import' | 'shipped' | 'empty';

export interface RealmTarget {
  realm: string;
  /** Origin + relative path, e.g. http://127.0.0.1:41234/auth. */
  baseUrl: string;
  /** The environment `npm run realm` runs with: the services' variables and the admin's credentials. */
  env: Record<string, string>;
  /** The bootstrap administrator's admin client, pointed at the realm. */
  admin(): Promise<KcAdminClient>;
  run(...argv: string[]): Promise<{ code: number; output: string }>;
  close(): Promise<void>;
}

export async function startRealmTarget(side: IdentitySide, kind: RealmKind): Promise<RealmTarget> {
  const services = servicesEnv();
  const target = side === 'idp' ? await idpRealm(kind, services) : await keycloakRealm(kind, services);
  const env = {
    ...services,
    KEYCLOAK_INTERNAL_URL: target.url,
    KEYCLOAK_REALM: target.realm,
    KC_BOOTSTRAP_ADMIN_USERNAME: target.username,
    KC_BOOTSTRAP_ADMIN_PASSWORD: target.password,
  };
  const baseUrl = `${target.url}${KEYCLOAK_RELATIVE_PATH}`;
  return {
    realm: target.realm,
    baseUrl,
    env,
    async admin() {
      const kc = new KcAdminClient({ baseUrl, realmName: 'master' });
      await kc.auth({
        grantType: 'password',
        clientId: 'admin-cli',
        username: target.username,
        password: target.password,
      });
      kc.setConfig({ realmName: target.realm });
      return kc;
    },
    run: (...argv) => runRealm(argv, env),
    close: target.close,
  };
}

async function idpRealm(kind: RealmKind, env: Record<string, string>) {
  const password = secret();
  const idp = await startIdp({
    port: 0,
    publicUrl: PUBLIC_URL,
    relativePath: KEYCLOAK_RELATIVE_PATH,
    realmFiles: kind === 'empty' ? [] : kind === 'import' ? [REALM_FILE] : [REALM_FILE, DEV_USERS_FILE],
    realms: kind === 'empty' ? [{ realm: 'techstore' } satisfies RealmRep] : [],
    env,
    bootstrapAdmin: { username: 'temp-admin', password },
    passwordHashing: { N: 1024, r: 8, p: 1 },
    logger: pino({ level: 'silent' }),
  });
  return { url: idp.url, realm: 'techstore', username: 'temp-admin', password, close: () => idp.close() };
}

async function keycloakRealm(kind: RealmKind, env: Record<string, string>) {
  const shared = sharedKeycloak();
  if (!shared) throw new Error('the Keycloak side needs the shared Keycloak that scripts/test.ts starts');
  const admin = keycloakAdmin(shared.url, shared.admin);
  const realm = `techstore-${randomBytes(4).toString('hex')}`;
  const frontendUrl = `${PUBLIC_URL}${KEYCLOAK_RELATIVE_PATH}`;
  if (kind === 'empty')
    await admin.request('POST', '', { realm, enabled: true, attributes: { frontendUrl } });
  else
    await importRealm(admin, {
      realm,
      secrets: env as unknown as Secrets,
      gatewayPublicUrl: PUBLIC_URL,
      devUsers: kind === 'shipped',
      frontendUrl,
    });
  return {
    url: shared.url,
    realm,
    username: shared.admin.username,
    password: shared.admin.password,
    close: () => deleteRealm(admin, realm),
  };
}

export async function runRealm(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runRealmCommand(argv, env, { log: (text) => lines.push(text) });
  return { code, output: lines.join('\n') };
}

/** A service token by client credentials, decoded: what a scope gives a service account. */
export async function serviceTokenClaims(
  target: RealmTarget,
  clientId: string,
  clientSecret: string,
  scope: string,
) {
  const response = await fetch(`${target.baseUrl}/realms/${target.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token)
    throw new Error(`no token for ${clientId} (${response.status}): ${JSON.stringify(body)}`);
  return JSON.parse(Buffer.from(body.access_token.split('.')[1] as string, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}
