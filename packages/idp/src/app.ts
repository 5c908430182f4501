import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { trace } from '@opentelemetry/api';
import { closeUnusedConnectionsOnClose } from '@mockmart/service-kit';
import { recordServerRequest, tracedServerFactory } from '@mockmart/service-kit/telemetry';
import type { IdpContext } from './context.ts';
import { IdpError, OAuthError } from './errors.ts';
import { authorizeRoutes } from './oidc/authorize-route.ts';
import { certsRoutes } from './oidc/certs-route.ts';
import { discoveryRoute } from './oidc/discovery-route.ts';
import { isTokenEndpointUrl, tokenRoute } from './oidc/token-route.ts';
import { sslRequiredHook } from './oidc/ssl-required.ts';
import { userinfoRoute } from './oidc/userinfo-route.ts';
import { introspectRoute } from './oidc/introspect-route.ts';
import { revokeRoute } from './oidc/revoke-route.ts';
import { logoutRoutes } from './oidc/logout-route.ts';
import { sessionIframeRoutes } from './oidc/session-iframe-routes.ts';
import { accountRoute } from './oidc/account-route.ts';
import { corsRoutes } from './oidc/cors.ts';
import { adminRestRoutes } from './admin/admin-rest-routes.ts';
import { idpAdminRoutes } from './admin/idp-admin-routes.ts';

/**
 * Builds the idp's Fastify app (no listening). Every Keycloak route lives under the relative
 * path (e.g. `/auth`): `/realms/{realm}/...` and `/admin/realms/{realm}/...`; the idp's own
 * operator endpoints under `/idp-admin/...`.
 */
export async function buildIdpApp(ctx: IdpContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    trustProxy: ['127.0.0.1', '::1'],
    bodyLimit: 64 * 1024,
    // Server spans come from the listener itself, as in the kit's services.
    serverFactory: tracedServerFactory,
    routerOptions: { ignoreTrailingSlash: true },
    // The token endpoint logs its own, cheaper line (see token-route.ts): two JSON lines per grant
    // at info cost more CPU than the rest of the request handling outside signing.
    logController: new LogController({
      disableRequestLogging: (request: { url?: string }) => isTokenEndpointUrl(request.url),
    }),
  });
  // As the kit's services do: a connection nothing was sent on never holds the close.
  closeUnusedConnectionsOnClose(app);
  await app.register(formbody);

  // As the kit's services do: server spans named after the route template, RED metrics per route.
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route)
      trace.getActiveSpan()?.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
  });
  app.addHook('onResponse', async (request, reply) => {
    recordServerRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof OAuthError) {
      return reply.code(err.status).header('cache-control', 'no-store').send(err.toBody());
    }
    if (err instanceof IdpError) {
      return reply
        .code(err.status)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: err.code,
          status: err.status,
          detail: err.status < 500 ? err.message : 'Internal error',
          code: err.code,
          instance: request.url,
        });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // Malformed bodies and the like: Keycloak answers invalid_request.
      return reply.code(status).send({ error: 'invalid_request', error_description: 'Malformed request' });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'server_error', error_description: 'Internal server error' });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({
      error: 'Unable to find matching target resource method',
      error_description: 'For more on this error consult the server log.',
    }),
  );

  await app.register(
    async (scoped) => {
      sslRequiredHook(scoped, ctx);
      corsRoutes(scoped, ctx);
      discoveryRoute(scoped, ctx);
      certsRoutes(scoped, ctx);
      authorizeRoutes(scoped, ctx);
      tokenRoute(scoped, ctx);
      userinfoRoute(scoped, ctx);
      introspectRoute(scoped, ctx);
      revokeRoute(scoped, ctx);
      logoutRoutes(scoped, ctx);
      sessionIframeRoutes(scoped, ctx);
      accountRoute(scoped, ctx);
      adminRestRoutes(scoped, ctx);
      idpAdminRoutes(scoped, ctx);
    },
    { prefix: ctx.relativePath },
  );
  return app;
}
