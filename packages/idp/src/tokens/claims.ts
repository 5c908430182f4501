/** Claim helpers shared by the mappers: nested names, JSON type conversion, audiences, ordering. */

export type Claims = Record<string, unknown>;

/** Splits `a.b\.c` into ["a", "b.c"] (a backslash escapes a dot, as in OIDCAttributeMapperHelper). */
export function splitClaimName(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] as string;
    if (ch === '\\' && name[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/**
 * Writes a claim. Multivalued values merge into an existing array as a set (Keycloak merges
 * repeated writes of multivalued mappers); single values overwrite.
 */
export function setClaim(claims: Claims, name: string, value: unknown, multivalued = false): void {
  const parts = splitClaimName(name);
  let target: Claims = claims;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[part] = {};
    target = target[part] as Claims;
  }
  const leaf = parts[parts.length - 1] as string;
  const existing = target[leaf];
  if (multivalued && Array.isArray(existing) && Array.isArray(value)) {
    target[leaf] = [...new Set([...existing, ...value])];
  } else target[leaf] = value;
}

/** `jsonType.label` conversion. Throws on garbage for numeric types like Keycloak does. */
export function convertClaimValue(value: unknown, jsonType: string | undefined): unknown {
  switch (jsonType) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return String(value).toLowerCase() === 'true'; // Boolean.valueOf semantics
    case 'long':
    case 'int': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isFinite(n) || !Number.isInteger(n))
        throw new TypeError(`cannot map type for token claim: ${String(value)}`);
      return n;
    }
    case 'JSON':
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'String':
      return typeof value === 'string' ? value : String(value);
    default:
      return value;
  }
}

export function addAudience(claims: Claims, audience: string): void {
  const current = claims.aud;
  const list =
    current === undefined ? [] : Array.isArray(current) ? (current as string[]) : [current as string];
  if (!list.includes(audience)) list.push(audience);
  claims.aud = list;
}

/** Measured Keycloak key order (keycloak-layouts/code-flow.json): the AccessToken fields, then the other claims. */
const FIELD_ORDER = [
  'exp',
  'iat',
  'auth_time',
  'jti',
  'iss',
  'aud',
  'sub',
  'typ',
  'azp',
  'nonce',
  'session_state',
  'sid',
  'at_hash',
  'acr',
  'allowed-origins',
  'realm_access',
  'resource_access',
  'scope',
];
const OTHER_ORDER = ['email_verified', 'name', 'preferred_username', 'given_name', 'family_name', 'email'];

export function orderClaims(claims: Claims): Claims {
  const out: Claims = {};
  if (Array.isArray(claims.aud)) {
    const aud = claims.aud as string[];
    if (aud.length === 0) delete claims.aud;
    else if (aud.length === 1) claims.aud = aud[0];
  }
  for (const key of [...FIELD_ORDER, ...OTHER_ORDER]) if (claims[key] !== undefined) out[key] = claims[key];
  for (const [key, value] of Object.entries(claims))
    if (!(key in out) && value !== undefined) out[key] = value;
  return out;
}
