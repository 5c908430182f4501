import { createHash, randomUUID } from 'node:crypto';

/** Claims shared by the helpers; every field can be overridden or removed by the caller. */
export interface TokenOptions {
  audience?: string | string[];
  realmRoles?: string[];
  clientRoles?: Record<string, string[]>;
  /** Space-separated `scope`. */
  scope?: string;
  /** Seconds until exp. Default: the issuer's tokenLifetimeSec (300). */
  expiresInSec?: number;
  /** iat in epoch seconds. Default: the issuer's clock. */
  issuedAt?: number;
  /** Extra or overriding claims (set a claim to undefined to drop it). */
  claims?: Record<string, unknown>;
  /** Claim names to remove from the result. */
  omit?: string[];
  /** Signing algorithm. Default RS256. */
  alg?: 'RS256' | 'PS256' | 'ES256';
}

export interface UserTokenOptions extends TokenOptions {
  username?: string;
  subject?: string;
  /** Default `<username>@techstore.test`; null means the user has no e-mail (no claim at all). */
  email?: string | null;
  /** The client the user logged in through (`azp`). Default 'gateway'. */
  azp?: string;
  name?: string;
}

export interface ServiceTokenOptions extends TokenOptions {
  clientId: string;
}

/** A stable UUID-shaped id derived from a name, so the same user always gets the same `sub`. */
export function stableId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function realmDefaults(realm: string): string[] {
  return [`default-roles-${realm}`, 'offline_access', 'uma_authorization'];
}

function resourceAccess(roles: Record<string, string[]> | undefined): Record<string, { roles: string[] }> {
  const out: Record<string, { roles: string[] }> = {
    account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] },
  };
  for (const [client, list] of Object.entries(roles ?? {})) out[client] = { roles: [...list] };
  return out;
}

/** Keycloak 26 access-token layout for a user (authorization code flow), in Keycloak's claim order. */
export function userClaims(
  issuer: string,
  realm: string,
  nowSec: number,
  lifetimeSec: number,
  options: UserTokenOptions,
): Record<string, unknown> {
  const username = options.username ?? 'mario';
  const iat = options.issuedAt ?? nowSec;
  const email = options.email === undefined ? `${username}@techstore.test` : options.email;
  const claims: Record<string, unknown> = {
    exp: iat + (options.expiresInSec ?? lifetimeSec),
    iat,
    auth_time: iat,
    jti: `onrtac:${randomUUID()}`,
    iss: issuer,
    aud: options.audience ?? 'account',
    sub: options.subject ?? stableId(`user:${username}`),
    typ: 'Bearer',
    azp: options.azp ?? 'gateway',
    sid: randomUUID(),
    acr: '1',
    'allowed-origins': ['/*'],
    realm_access: { roles: [...realmDefaults(realm), ...(options.realmRoles ?? ['user'])] },
    resource_access: resourceAccess(options.clientRoles),
    scope: options.scope ?? 'openid email profile',
    email_verified: email !== null,
    name: options.name ?? username.charAt(0).toUpperCase() + username.slice(1),
    preferred_username: username,
    given_name: options.name ?? username.charAt(0).toUpperCase() + username.slice(1),
    family_name: 'Test',
    ...(email === null ? {} : { email }),
  };
  return finish(claims, options);
}

/** Keycloak 26 access-token layout for a client_credentials (service-account) token. */
export function serviceClaims(
  issuer: string,
  realm: string,
  nowSec: number,
  lifetimeSec: number,
  options: ServiceTokenOptions,
): Record<string, unknown> {
  const iat = options.issuedAt ?? nowSec;
  const claims: Record<string, unknown> = {
    exp: iat + (options.expiresInSec ?? lifetimeSec),
    iat,
    jti: `trrtcc:${randomUUID()}`,
    iss: issuer,
    ...(options.audience === undefined ? {} : { aud: options.audience }),
    sub: stableId(`service-account:${options.clientId}`),
    typ: 'Bearer',
    azp: options.clientId,
    sid: randomUUID(),
    acr: '1',
    'allowed-origins': ['/*'],
    realm_access: { roles: [...realmDefaults(realm), ...(options.realmRoles ?? [])] },
    resource_access: resourceAccess(options.clientRoles),
    scope: options.scope ?? 'profile email',
    email_verified: false,
    clientHost: '127.0.0.1',
    preferred_username: `service-account-${options.clientId}`,
    clientAddress: '127.0.0.1',
    client_id: options.clientId,
  };
  return finish(claims, options);
}

function finish(claims: Record<string, unknown>, options: TokenOptions): Record<string, unknown> {
  const out = { ...claims, ...(options.claims ?? {}) };
  for (const name of options.omit ?? []) delete out[name];
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out;
}
