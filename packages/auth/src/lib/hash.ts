import { hash } from 'node:crypto';

/**
 * Cache keys for tokens are their SHA-256, so the raw token is never held as a map key or logged.
 * crypto.hash() is the one-shot form: no Hash object per call, which matters on the hot path.
 */
export function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}
