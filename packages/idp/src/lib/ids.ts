import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export const uuid = (): string => randomUUID();

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
