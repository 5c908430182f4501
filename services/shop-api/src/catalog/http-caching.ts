import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { matchesIfNoneMatch } from '@mockmart/service-kit';

/**
 * Anonymous catalog answers are the same for everyone: a strong ETag (a hash of the exact body)
 * lets a client or cache revalidate with If-None-Match and get 304 without the body, and a short
 * max-age (the stock staleness, whole seconds) lets it skip even that for a moment.
 */
export function catalogHttpCaching(app: FastifyInstance, options: { maxAgeMs: number }): void {
  const seconds = Math.floor(options.maxAgeMs / 1000);
  // RFC 5861: for as long again, a cache may serve it while it asks for a new one (the gateway
  // does, so the readers of an expired answer do not all wait for one read).
  const cacheControl =
    seconds > 0 ? `public, max-age=${seconds}, stale-while-revalidate=${seconds}` : 'public, max-age=0';
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    if (reply.statusCode !== 200 || request.headers.authorization || typeof payload !== 'string')
      return payload;
    const etag = `"${createHash('sha256').update(payload).digest('base64url')}"`;
    reply.header('etag', etag).header('cache-control', cacheControl);
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
      reply.code(304);
      return null;
    }
    return payload;
  });
}
