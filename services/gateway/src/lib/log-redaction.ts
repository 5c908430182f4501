import type { FastifyRequest } from 'fastify';
import type { Logger } from '@mockmart/service-kit';

/**
 * Request URLs through the gateway carry one-time secrets in their query strings: the
 * authorization `code` and `state` on /bff/callback, `state`, `nonce` and PKCE challenge on the
 * authorize redirect, the idp's form session codes, `id_token_hint` on logout. Access-log lines
 * therefore show the path only, and say that a query was there.
 */
export function withQueryFreeRequestLogs(logger: Logger): Logger {
  return logger.child(
    {},
    {
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: pathOnly(request.url),
          host: request.host,
          remoteAddress: request.ip,
        }),
      },
    },
  );
}

export function pathOnly(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?…`;
}
