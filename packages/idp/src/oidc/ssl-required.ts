import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';

/**
 * Realm `sslRequired`, as Keycloak enforces it: `external` refuses plain-http requests from
 * non-private addresses, `all` refuses every plain-http request, `none` allows all. The scheme is
 * taken from X-Forwarded-Proto only when the request comes from a trusted (loopback) proxy.
 */
export function sslRequiredHook(app: FastifyInstance, ctx: IdpContext): void {
  app.addHook('onRequest', async (request, reply) => {
    const match = /\/realms\/([^/?]+)/.exec(request.url);
    if (!match?.[1]) return;
    const realm = ctx.realms.get(decodeURIComponent(match[1]));
    if (!realm || request.protocol === 'https') return;
    const mode = realm.settings.sslRequired;
    if (mode === 'none' || (mode === 'external' && isLocalAddress(request.ip))) return;
    return reply.code(403).send({ error: 'invalid_request', error_description: 'HTTPS required' });
  });
}

/** Keycloak's "external": loopback, RFC 1918 private and link-local addresses count as local. */
export function isLocalAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  return ip === '::1' || /^f[cd]/i.test(ip) || /^fe80:/i.test(ip);
}
