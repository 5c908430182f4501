/**
 * Normalisation by rule: what must differ between two identity providers (ids, times,
 * signatures, session ids, key ids, their own origin) becomes its type and form, everything else
 * stays as it is. Rules go by the name of the field, so a new field is compared exactly until a
 * rule says otherwise.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';

/** Points in time: compared as "a number of seconds". */
const TIMES = new Set(['iat', 'exp', 'nbf', 'auth_time', 'updated_at', 'expires_at']);

/** Generated identifiers and key material: compared by form (uuids, base64url runs). */
const IDS = new Set([
  'jti',
  'sid',
  'session_state',
  'sub',
  'kid',
  'at_hash',
  'c_hash',
  's_hash',
  'id',
  'n',
  'x5t',
  'x5t#S256',
  'code',
  'state_checker',
  'nonce',
  'createdTimestamp',
  'containerId',
  'public_key',
  'x5c',
]);

/** Signed tokens: compared as their decoded header and claims. */
const TOKENS = new Set(['access_token', 'refresh_token', 'id_token', 'logout_token', 'id_token_hint']);

/** Lifetimes in seconds, counted from a moment each side takes itself: to the nearest 10 s. */
const DURATIONS = new Set(['expires_in', 'refresh_expires_in']);

/** Space-separated sets. */
const WORD_SETS = new Set(['scope']);

export type Normalised = null | boolean | number | string | Normalised[] | { [key: string]: Normalised };

/** The form of a generated value: uuids and long base64url runs named, the rest kept. */
export function idForm(value: string): string {
  return value
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/[A-Za-z0-9_+/=-]{16,}/g, '<base64>');
}

export function normalise(value: unknown, origin: string, key = ''): Normalised {
  if (value === null || value === undefined) return null;
  if (TIMES.has(key)) return typeof value === 'number' ? '<time>' : `<time as ${typeof value}>`;
  if (TOKENS.has(key) && typeof value === 'string') return decodedToken(value, origin);
  if (IDS.has(key)) return typeof value === 'string' ? `<id ${idForm(value)}>` : `<id as ${typeof value}>`;
  if (DURATIONS.has(key) && typeof value === 'number') return Math.round(value / 10) * 10;
  if (WORD_SETS.has(key) && typeof value === 'string')
    return value.split(' ').filter(Boolean).sort().join(' ');
  if (typeof value === 'string') return value.replace(originPattern(origin), '<origin>');
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (key === 'keys' && Array.isArray(value)) return keysByUse(value, origin);
  if (Array.isArray(value)) {
    const items = value.map((item) => normalise(item, origin, key));
    // Lists are sets to the clients that read them (scopes, audiences, algorithms, roles).
    return items.every((item) => typeof item !== 'object' || item === null)
      ? [...items].sort((a, b) => String(a).localeCompare(String(b)))
      : items;
  }
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalise(v, origin, k)]),
    );
  return `<${typeof value}>`;
}

function decodedToken(token: string, origin: string): Normalised {
  if (token.split('.').length !== 3) return `<opaque ${idForm(token)}>`;
  return {
    header: normalise(decodeProtectedHeader(token), origin),
    claims: normalise(decodeJwt(token), origin),
  };
}

/** A JWKS `keys` list as `{ "<use>:<alg>": key }`: one entry per purpose, whatever the order. */
function keysByUse(keys: unknown[], origin: string): Normalised {
  return Object.fromEntries(
    keys.map((key) => {
      const { use, alg } = key as { use?: string; alg?: string };
      return [`${use}:${alg}`, normalise(key, origin)];
    }),
  );
}

/** The side's origin, not followed by another port digit (the gateway stand-in shares the host). */
function originPattern(origin: string): RegExp {
  return new RegExp(`${origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`, 'g');
}
