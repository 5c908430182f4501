import { hash } from 'node:crypto';

/**
 * Cache keys for tokens are their SHA-256, so the raw token is never held as a map key or logged.
 * crypto.hash() is the one-shot form: no Hash object per call, which matters on the hot path.
 */
export function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}

const TAIL = 32;

/**
 * A cheap, NON-cryptographic 30-bit index for a token: FNV-1a over its last 32 characters, which
 * in a signed JWS are the end of the signature (192 effectively random bits for any genuine token).
 * Lets a lookup that misses (every first verification) skip SHA-256 entirely. It is never trusted
 * alone: whatever it finds must be confirmed with {@link sha256} of the whole token.
 */
export function tokenIndex(token: string): number {
  let h = 0x811c9dc5;
  for (let i = Math.max(0, token.length - TAIL); i < token.length; i++)
    h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  return mix(h) & 0x3fffffff; // a small integer: cheapest possible Map key
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the low bits used as indexes. */
export function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
