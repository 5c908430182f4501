import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so that the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Fingerprint of a request body for Idempotency-Key reuse detection. */
export function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('base64url');
}
