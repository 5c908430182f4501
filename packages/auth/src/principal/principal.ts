import type { JWTPayload } from 'jose';

/** Who called, read only from a verified token. */
export interface Principal {
  /** `sub`. */
  readonly subject: string;
  readonly issuer: string;
  /** The requesting client: `azp` (Keycloak), else `client_id`. */
  readonly clientId: string | undefined;
  /** Set only from explicit evidence; see {@link isServiceAccountToken}. */
  readonly isServiceAccount: boolean;
  /** The client whose service account this is (= `clientId`) when `isServiceAccount`. */
  readonly serviceAccountClientId?: string | undefined;
  readonly username?: string | undefined;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly givenName?: string | undefined;
  readonly familyName?: string | undefined;
  readonly realmRoles: readonly string[];
  readonly clientRoles: Readonly<Record<string, readonly string[]>>;
  readonly scopes: readonly string[];
  /** `sid`: the Keycloak session (transient for service accounts). */
  readonly sessionId?: string | undefined;
  /** `exp` in epoch seconds. */
  readonly expiresAt: number;
  /** All verified claims, frozen. */
  readonly claims: Readonly<JWTPayload & Record<string, unknown>>;
}

const SERVICE_ACCOUNT_PREFIX = 'service-account-';

/**
 * Problem 3: "no e-mail" is not evidence of a service account (any user may lack one). Evidence is:
 * Keycloak's service-account username `service-account-<azp>`, or a `client_id`/`clientId` claim
 * equal to `azp` (set by the client_credentials grant's session notes), AND no sign of an
 * interactive user session (`auth_time`, `nonce`), which client_credentials never produces.
 */
export function isServiceAccountToken(claims: Record<string, unknown>): boolean {
  const azp = stringClaim(claims.azp);
  if (azp === undefined) return false;
  const byUsername = claims.preferred_username === `${SERVICE_ACCOUNT_PREFIX}${azp}`;
  const byClientIdClaim = claims.client_id === azp || claims.clientId === azp;
  const userSession = claims.auth_time !== undefined || claims.nonce !== undefined;
  return (byUsername || byClientIdClaim) && !userSession;
}

export function toPrincipal(claims: JWTPayload & Record<string, unknown>): Principal {
  const clientId = stringClaim(claims.azp) ?? stringClaim(claims.client_id) ?? stringClaim(claims.clientId);
  const isServiceAccount = isServiceAccountToken(claims);
  return Object.freeze({
    subject: stringClaim(claims.sub) ?? '',
    issuer: stringClaim(claims.iss) ?? '',
    clientId,
    isServiceAccount,
    serviceAccountClientId: isServiceAccount ? clientId : undefined,
    username: stringClaim(claims.preferred_username),
    email: stringClaim(claims.email),
    name: stringClaim(claims.name),
    givenName: stringClaim(claims.given_name),
    familyName: stringClaim(claims.family_name),
    realmRoles: roleList((claims.realm_access as { roles?: unknown } | undefined)?.roles),
    clientRoles: clientRoleMap(claims.resource_access),
    scopes: scopeList(claims.scope),
    sessionId: stringClaim(claims.sid),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : 0,
    // jose hands over a fresh object per verification: freeze it instead of copying.
    claims: Object.freeze(claims),
  });
}

// Plain loops, no intermediate arrays: this runs once per verified token.

const NONE: readonly string[] = Object.freeze([]);

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function roleList(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) return NONE;
  const roles: string[] = [];
  for (const role of value as unknown[]) if (typeof role === 'string') roles.push(role);
  return Object.freeze(roles);
}

function scopeList(value: unknown): readonly string[] {
  if (typeof value !== 'string' || value === '') return NONE;
  const scopes: string[] = [];
  for (const scope of value.split(' ')) if (scope !== '') scopes.push(scope);
  return Object.freeze(scopes);
}

function clientRoleMap(value: unknown): Readonly<Record<string, readonly string[]>> {
  const out: Record<string, readonly string[]> = {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const access = value as Record<string, unknown>;
    for (const client of Object.keys(access)) {
      const roles = roleList((access[client] as { roles?: unknown } | null)?.roles);
      if (roles.length === 0) continue;
      // A client named "__proto__" in hostile JSON must stay a plain own key, not set the prototype.
      if (client === '__proto__') Object.defineProperty(out, client, { value: roles, enumerable: true });
      else out[client] = roles;
    }
  }
  return Object.freeze(out);
}
