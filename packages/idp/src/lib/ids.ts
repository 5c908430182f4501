import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export const uuid = (): string => randomUUID();

/** A user session id in Keycloak 26.7's form: 18 random bytes, base64url (24 characters). */
export const sessionId = (): string => randomBytes(18).toString('base64url');

/** Namespace of the idp's name-based ids (a fixed random UUID; changing it changes every derived id). */
const ID_NAMESPACE = Buffer.from('6f1d3c2a9b8e4f57a1c0d2e3f4a5b6c7', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace + name, version and variant bits set)
 * for things a realm file declares without an `id`. Keycloak stores the id it generated at import
 * in its database; the idp keeps nothing between starts, so the id is derived from the realm and
 * the name instead — a user's `sub` then survives a restart, and with it what services stored by it.
 *
 * @example stableUuid('techstore', 'user', 'mario') // the same on every start
 */
export function stableUuid(...parts: string[]): string {
  const name = Buffer.from(parts.map((p) => encodeURIComponent(p)).join('/'), 'utf8');
  const bytes = hash('sha1', Buffer.concat([ID_NAMESPACE, name]), 'buffer').subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An unguessable opaque value (256 bits, base64url). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Constant-time comparison of two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  // Equal-length digests for timingSafeEqual; crypto.hash is the one-shot form (no Hash objects).
  const ha = hash('sha256', a, 'buffer');
  const hb = hash('sha256', b, 'buffer');
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Seconds since the epoch from an injectable millisecond clock. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);
