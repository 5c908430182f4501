import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that carry identity or routing facts only the gateway may assert. A client that sends
 * them is trying to impersonate someone (crAPI challenge 15), so they are dropped on the way in,
 * before any route sees them, for every path (/api, /auth, /bff and the UI).
 */
const EXACT = new Set([
  'x-cart-id',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-preferred-username',
  'x-forwarded-groups',
  'x-forwarded-access-token',
  'x-remote-user',
  'x-remote-group',
  'remote-user',
  'x-authenticated-user',
  'x-authenticated-userid',
  'x-consumer-id',
  'x-consumer-username',
  'x-original-url',
  'x-rewrite-url',
  'x-principal',
  'x-service-account',
]);
const PREFIXES = [
  'x-user-',
  'x-auth-',
  'x-userinfo',
  'x-jwt-',
  'x-id-token',
  'x-access-token',
  'x-amzn-oidc-',
  'x-ms-client-principal',
];

export function isSpoofableHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return EXACT.has(lower) || PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** Removes spoofable headers in place; returns the names removed (for a debug log, never values). */
export function stripSpoofableHeaders(headers: IncomingHttpHeaders): string[] {
  const removed: string[] = [];
  for (const name of Object.keys(headers)) {
    if (isSpoofableHeader(name)) {
      delete headers[name];
      removed.push(name);
    }
  }
  return removed;
}

/**
 * X-Forwarded-* from the client are only believed when a trusted proxy sits in front
 * (TRUST_PROXY); otherwise they are dropped and the gateway writes its own.
 */
export function stripForwardingHeaders(headers: IncomingHttpHeaders): void {
  for (const name of [
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-proto',
    'x-forwarded-port',
    'x-forwarded-prefix',
    'forwarded',
    'x-real-ip',
  ]) {
    delete headers[name];
  }
}
