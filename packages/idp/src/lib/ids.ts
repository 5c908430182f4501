import { randomBytes, randomUUID, timingSafeEqual, createHash } from 'node:crypto';

export const uuid = (): string => randomUUID();

/** An unguessable opaque value (256 bits, base64url). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Constant-time comparison of two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Seconds since the epoch from an injectable millisecond clock. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);
