import { Type } from '@sinclair/typebox';
import { loadConfig, secret } from '@mockmart/service-kit/config';

/**
 * The environment of `npm run realm`, read once (this is the only file that reads it). Where the
 * idp or Keycloak is, and who the tool signs in as — either a service-account client of the target
 * realm holding `realm-management` roles, or the bootstrap administrator of the `master` realm.
 */
const schema = Type.Object({
  KEYCLOAK_INTERNAL_URL: Type.Optional(
    Type.String({
      description: 'origin the tool reaches Keycloak or the idp on (e.g. http://127.0.0.1:8081)',
    }),
  ),
  KEYCLOAK_PUBLIC_URL: Type.Optional(
    Type.String({
      description:
        'public origin of Keycloak; used when KEYCLOAK_INTERNAL_URL is unset, and checked by audit',
    }),
  ),
  KEYCLOAK_RELATIVE_PATH: Type.String({
    default: '',
    description: "Keycloak's http-relative-path, '' or e.g. /auth",
  }),
  KEYCLOAK_REALM: Type.Optional(Type.String({ description: "target realm; default: the realm file's name" })),
  REALM_ADMIN_CLIENT_ID: Type.Optional(
    Type.String({
      description:
        'a confidential client of the target realm whose service account holds realm-management roles',
    }),
  ),
  REALM_ADMIN_CLIENT_SECRET: Type.Optional(secret('secret of REALM_ADMIN_CLIENT_ID')),
  KC_BOOTSTRAP_ADMIN_USERNAME: Type.Optional(
    Type.String({ description: 'master realm administrator (default temp-admin)' }),
  ),
  KC_BOOTSTRAP_ADMIN_PASSWORD: Type.Optional(
    secret('password of the master realm administrator', { minLength: 1 }),
  ),
  IDP_BOOTSTRAP_ADMIN_USERNAME: Type.Optional(
    Type.String({ description: "the embedded idp's name for KC_BOOTSTRAP_ADMIN_USERNAME" }),
  ),
  IDP_BOOTSTRAP_ADMIN_PASSWORD: Type.Optional(
    secret("the embedded idp's name for KC_BOOTSTRAP_ADMIN_PASSWORD", { minLength: 1 }),
  ),
});

export type AdminCredentials =
  | { kind: 'client'; clientId: string; clientSecret: string }
  | { kind: 'bootstrap-admin'; username: string; password: string };

export interface RealmToolConfig {
  /** Origin + relative path, e.g. http://127.0.0.1:8081/auth. */
  readonly baseUrl: string;
  readonly realm: string | undefined;
  readonly credentials: AdminCredentials;
}

type Env = Readonly<Record<string, string | undefined>>;

export function readRealmToolConfig(env: Env): RealmToolConfig {
  const c = loadConfig(schema, env);
  const origin = c.KEYCLOAK_INTERNAL_URL ?? c.KEYCLOAK_PUBLIC_URL;
  const problems: string[] = [];
  if (!origin)
    problems.push(
      'KEYCLOAK_INTERNAL_URL (or KEYCLOAK_PUBLIC_URL) is required: where Keycloak or the idp answers',
    );
  const password = c.KC_BOOTSTRAP_ADMIN_PASSWORD ?? c.IDP_BOOTSTRAP_ADMIN_PASSWORD;
  let credentials: AdminCredentials | undefined;
  if (c.REALM_ADMIN_CLIENT_ID && c.REALM_ADMIN_CLIENT_SECRET)
    credentials = {
      kind: 'client',
      clientId: c.REALM_ADMIN_CLIENT_ID,
      clientSecret: c.REALM_ADMIN_CLIENT_SECRET,
    };
  else if (password)
    credentials = {
      kind: 'bootstrap-admin',
      username: c.KC_BOOTSTRAP_ADMIN_USERNAME ?? c.IDP_BOOTSTRAP_ADMIN_USERNAME ?? 'temp-admin',
      password,
    };
  else
    problems.push(
      'credentials are required: REALM_ADMIN_CLIENT_ID with REALM_ADMIN_CLIENT_SECRET (or _FILE), ' +
        'or KC_BOOTSTRAP_ADMIN_PASSWORD (or _FILE; IDP_BOOTSTRAP_ADMIN_PASSWORD for the embedded idp)',
    );
  if (problems.length > 0 || !origin || !credentials)
    throw new Error(`npm run realm: ${problems.join('; ')}`);
  return Object.freeze({
    baseUrl: `${origin.replace(/\/+$/, '')}${c.KEYCLOAK_RELATIVE_PATH.replace(/\/+$/, '')}`,
    realm: c.KEYCLOAK_REALM,
    credentials,
  });
}
