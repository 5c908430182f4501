/**
 * An identity provider to run `npm run realm` against, and the command run in-process with its
 * output captured. The idp runs in this process (cheap to start); the tool talks to it over real
 * HTTP through @keycloak/keycloak-admin-client, exactly as it would to Keycloak.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { startIdp, type Idp, type RealmRep } from '@mockmart/idp';
import { runRealmCommand } from '../../scripts/realm/cli.ts';

export const REALM_FILE = fileURLToPath(
  new URL('../../deploy/keycloak/techstore-realm.json', import.meta.url),
);
export const DEV_USERS_FILE = fileURLToPath(new URL('../../deploy/keycloak/dev-users.json', import.meta.url));
export const PUBLIC_URL = 'http://localhost:8080';

const secret = () => randomBytes(32).toString('base64url');

/** The services' environment: fresh random secrets, as `npm start` generates them. */
export function servicesEnv(): Record<string, string> {
  return {
    NODE_ENV: 'development',
    KEYCLOAK_PUBLIC_URL: PUBLIC_URL,
    KEYCLOAK_RELATIVE_PATH: '/auth',
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

export interface RealmTarget {
  idp: Idp;
  /** The environment `npm run realm` runs with against this idp (services' variables included). */
  env: Record<string, string>;
  /** The bootstrap administrator's admin client, pointed at the techstore realm. */
  admin(): Promise<KcAdminClient>;
  run(...argv: string[]): Promise<{ code: number; output: string }>;
  close(): Promise<void>;
}

/**
 * An idp with a master realm and either the realm file imported (`import`), the realm file plus
 * the development users (`shipped`, what `npm start` runs) or an empty `techstore` realm — only
 * what a new realm gets (`empty`).
 */
export async function startRealmTarget(realm: 'import' | 'shipped' | 'empty'): Promise<RealmTarget> {
  const env = servicesEnv();
  const password = secret();
  const idp = await startIdp({
    port: 0,
    publicUrl: PUBLIC_URL,
    relativePath: '/auth',
    realmFiles: realm === 'empty' ? [] : realm === 'import' ? [REALM_FILE] : [REALM_FILE, DEV_USERS_FILE],
    realms: realm === 'empty' ? [{ realm: 'techstore' } satisfies RealmRep] : [],
    env,
    bootstrapAdmin: { username: 'temp-admin', password },
    passwordHashing: { N: 1024, r: 8, p: 1 },
    logger: pino({ level: 'silent' }),
  });
  const toolEnv = { ...env, KEYCLOAK_INTERNAL_URL: idp.url, KC_BOOTSTRAP_ADMIN_PASSWORD: password };
  return {
    idp,
    env: toolEnv,
    async admin() {
      const kc = new KcAdminClient({ baseUrl: idp.baseUrl, realmName: 'master' });
      await kc.auth({ grantType: 'password', clientId: 'admin-cli', username: 'temp-admin', password });
      kc.setConfig({ realmName: 'techstore' });
      return kc;
    },
    run: (...argv) => runRealm(argv, toolEnv),
    close: () => idp.close(),
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
  secretValue: string,
  scope: string,
) {
  const response = await fetch(`${target.idp.baseUrl}/realms/techstore/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secretValue,
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
