import { DependencyUnavailable, UpstreamRejected } from '../errors.ts';
import type { FastifyReply } from 'fastify';
import type { DownstreamResponse } from '../downstream/http.ts';

/**
 * Relays a downstream answer to the admin UI. 2xx and the caller's own mistakes (4xx such as an
 * unknown product) pass through; 401/403 mean shop-api's service account is misconfigured in the
 * realm (502, not the admin's fault); 5xx become 503.
 */
export function relay(reply: FastifyReply, service: string, res: DownstreamResponse): FastifyReply {
  if (res.status === 401 || res.status === 403) {
    throw new UpstreamRejected(
      `${service} refused shop-api's service account (HTTP ${res.status}); check its client roles and optional scopes in the realm`,
    );
  }
  if (res.status >= 500)
    throw new DependencyUnavailable(`${service} answered HTTP ${res.status}`, {
      headers: { 'retry-after': '5' },
    });
  return reply
    .code(res.status)
    .type(res.status >= 400 ? 'application/problem+json' : 'application/json')
    .send(res.body ?? {});
}
