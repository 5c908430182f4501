import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthError } from '../errors.ts';
import type { AuthRequirement } from '../guards/guards.ts';
import { assertRequirement, authenticateRequest } from '../http/authenticate-request.ts';
import { NOT_STORED } from '../http/not-stored.ts';
import { authProblem } from '../http/problem.ts';
import type { Principal } from '../principal/principal.ts';
import type { AccessTokenVerifier } from '../verify/verify-access-token.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified caller. Always set on routes whose `config.auth` is a guard; on `auth: 'public'`
     * routes it is undefined unless the request carried a valid token.
     */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Required on every route registered after authPlugin: a guard, or 'public'. */
    auth?: AuthRequirement;
  }
}

export interface AuthPluginOptions {
  verifier: AccessTokenVerifier;
  /** WWW-Authenticate realm. Default: the verifier's realm. */
  realm?: string;
}

/**
 * Fastify plugin: every route registered after it must declare `config.auth` (checked by an
 * onRoute hook, so an unprotected route fails at start-up, not in production). Verification runs
 * in onRequest — before the body is parsed — and failures are answered as problem+json with the
 * RFC 6750 challenge. An answer to an authenticated request is `Cache-Control: no-store` unless its
 * route says otherwise: it is someone's own data (orders, addresses), which no browser or proxy
 * should keep. Not encapsulated (fastify-plugin), so the decoration and the onRoute check
 * apply to the whole app. Routes registered BEFORE the plugin are not seen by onRoute.
 */
const plugin: FastifyPluginAsync<AuthPluginOptions> = async (
  app: FastifyInstance,
  options: AuthPluginOptions,
) => {
  const verifier = options?.verifier;
  if (!verifier || typeof verifier.verify !== 'function') {
    throw new AuthError(
      'AUTH_CONFIG_INVALID',
      'authPlugin needs { verifier: createAccessTokenVerifier(...) }',
    );
  }
  const realm = options.realm ?? verifier.options.realm;

  app.decorateRequest('principal', undefined as unknown as Principal);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
    const requirement = assertRequirement(route.config?.auth, `route ${methods} ${route.url}`);
    route.config = { ...route.config, auth: requirement };
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const requirement = request.routeOptions.config?.auth;
    // Unmatched URLs (404 handler) carry no requirement: nothing to protect.
    if (requirement === undefined) return;
    try {
      const principal = await authenticateRequest(verifier, request.headers.authorization, requirement);
      if (principal !== undefined) {
        request.principal = principal;
        void reply.header('cache-control', NOT_STORED);
      }
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const problem = authProblem(error, realm, request.url.split('?')[0]);
      return reply.code(problem.status).headers(problem.headers).send(problem.body);
    }
  });
};

export const authPlugin = fp(plugin, { name: '@mockmart/auth', fastify: '>=5' });
