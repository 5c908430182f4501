import { createHash } from 'node:crypto';

/** Cache keys for tokens are their SHA-256, so the raw token is never held as a map key or logged. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
