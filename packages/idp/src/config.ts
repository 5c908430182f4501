import { basename, resolve } from 'node:path';
import { IdpError, type CompatOptions } from './errors.ts';
import type { StartIdpOptions } from './start-idp.ts';

/**
 * The only file of the idp that reads the environment (for `npm run idp`). Every problem is
 * collected into one error naming each variable. Client secrets have no default.
 */
export function loadIdpConfig(
  env: Readonly<Record<string, string | undefined>>,
  root: string,
): StartIdpOptions {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  if (production && env.IDP_ALLOW_PRODUCTION !== 'true') {
    throw new IdpError(
      'IDP_PRODUCTION_REFUSED',
      'NODE_ENV=production: the embedded idp is a development and test stand-in for Keycloak 26 (sessions in memory, ' +
        'no clustering, no admin console). Run Keycloak with deploy/keycloak/techstore-realm.json in production, or set ' +
        'IDP_ALLOW_PRODUCTION=true to accept these limits knowingly.',
    );
  }
  const port = Number(env.IDP_PORT ?? 8081);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`IDP_PORT="${env.IDP_PORT}" is not a port number (0-65535)`);
  const publicUrl = env.IDP_PUBLIC_URL ?? 'http://localhost:8080';
  try {
    const url = new URL(publicUrl);
    if (url.pathname !== '/' || url.search)
      problems.push(
        `IDP_PUBLIC_URL="${publicUrl}" must be an origin only (put the path in IDP_RELATIVE_PATH)`,
      );
  } catch {
    problems.push(`IDP_PUBLIC_URL="${publicUrl}" is not a URL (e.g. http://localhost:8080)`);
  }
  const files = env.IDP_REALM_FILES
    ? env.IDP_REALM_FILES.split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : ['deploy/keycloak/techstore-realm.json', ...(production ? [] : ['deploy/keycloak/dev-users.json'])];
  if (production)
    for (const file of files.filter((f) => basename(f) === 'dev-users.json'))
      problems.push(
        `IDP_REALM_FILES names ${file} under NODE_ENV=production: its users have public demo passwords and its ` +
          'techstore-cli client allows password grants without a secret; leave it out in production',
      );
  const admin = env.IDP_BOOTSTRAP_ADMIN_PASSWORD
    ? { username: operatorUsername(env), password: env.IDP_BOOTSTRAP_ADMIN_PASSWORD }
    : undefined;
  if (env.IDP_BOOTSTRAP_ADMIN_USERNAME && !env.IDP_BOOTSTRAP_ADMIN_PASSWORD)
    problems.push('IDP_BOOTSTRAP_ADMIN_USERNAME is set without IDP_BOOTSTRAP_ADMIN_PASSWORD');
  const invalidGrantStatus = env.IDP_COMPAT_INVALID_GRANT_STATUS
    ? Number(env.IDP_COMPAT_INVALID_GRANT_STATUS)
    : 400;
  if (invalidGrantStatus !== 400 && invalidGrantStatus !== 401)
    problems.push('IDP_COMPAT_INVALID_GRANT_STATUS must be 400 (KC ≥ 26.6) or 401 (KC < 26.6)');
  const invalidClientError = env.IDP_COMPAT_INVALID_CLIENT_ERROR ?? 'unauthorized_client';
  if (invalidClientError !== 'invalid_client' && invalidClientError !== 'unauthorized_client')
    problems.push(
      'IDP_COMPAT_INVALID_CLIENT_ERROR must be unauthorized_client (Keycloak 20 to 26.7) or invalid_client (RFC 6749)',
    );
  const audienceCheck = env.IDP_COMPAT_INTROSPECTION_AUDIENCE_CHECK ?? 'true';
  if (audienceCheck !== 'true' && audienceCheck !== 'false')
    problems.push(
      'IDP_COMPAT_INTROSPECTION_AUDIENCE_CHECK must be true (KC ≥ 26.6.2) or false (KC < 26.6.2)',
    );
  if (problems.length > 0)
    throw new IdpError('IDP_CONFIG_INVALID', `invalid idp configuration:\n- ${problems.join('\n- ')}`);
  return {
    port,
    host: env.IDP_HOST ?? '127.0.0.1',
    publicUrl,
    relativePath: env.IDP_RELATIVE_PATH ?? '/auth',
    realmFiles: files.map((f) => resolve(root, f)),
    env: { GATEWAY_PUBLIC_URL: publicUrl, ...env },
    dataDir: resolve(root, env.IDP_DATA_DIR ?? '.data/idp'),
    bootstrapAdmin: admin,
    compat: {
      invalidGrantStatus: invalidGrantStatus as 400 | 401,
      invalidClientError: invalidClientError as CompatOptions['invalidClientError'],
      introspectionAudienceCheck: audienceCheck === 'true',
    },
    production,
  };
}

/** Keycloak 26's default for KC_BOOTSTRAP_ADMIN_USERNAME. */
const operatorUsername = (env: Readonly<Record<string, string | undefined>>): string =>
  env.IDP_BOOTSTRAP_ADMIN_USERNAME || 'temp-admin';

export interface RotateCommandConfig {
  /** Where the running idp answers, relative path included, e.g. http://127.0.0.1:8081/auth. */
  baseUrl: string;
  username: string;
  password: string;
}

/**
 * `npm run idp:rotate-keys`: where the running idp is and the operator credential it was started
 * with (the master realm's bootstrap administrator). `IDP_URL` wins over `IDP_HOST` / `IDP_PORT` /
 * `IDP_RELATIVE_PATH`, which default as for `npm run idp`.
 */
export function loadRotateCommandConfig(
  env: Readonly<Record<string, string | undefined>>,
): RotateCommandConfig {
  const baseUrl = (
    env.IDP_URL ||
    `http://${env.IDP_HOST || '127.0.0.1'}:${env.IDP_PORT || '8081'}${env.IDP_RELATIVE_PATH ?? '/auth'}`
  ).replace(/\/+$/, '');
  try {
    new URL(baseUrl);
  } catch {
    throw new IdpError(
      'IDP_CONFIG_INVALID',
      `IDP_URL="${baseUrl}" is not a URL (e.g. http://127.0.0.1:8081/auth)`,
    );
  }
  if (!env.IDP_BOOTSTRAP_ADMIN_PASSWORD)
    throw new IdpError(
      'IDP_CONFIG_INVALID',
      'IDP_BOOTSTRAP_ADMIN_PASSWORD is not set and not in the local secrets file: the running idp needs the ' +
        'operator password it was started with (npm start generates it into .secrets/local.env)',
    );
  return { baseUrl, username: operatorUsername(env), password: env.IDP_BOOTSTRAP_ADMIN_PASSWORD };
}
