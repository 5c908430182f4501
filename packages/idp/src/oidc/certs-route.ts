import type { FastifyInstance } from 'fastify';
import { issuerOf, type IdpContext } from '../context.ts';
import { findRealm } from './realm-lookup.ts';

/**
 * GET {realm}/protocol/openid-connect/certs — public JWKS (active + retired-but-valid RS256 keys;
 * the HS512 refresh key is never published). GET {realm} — public realm info Keycloak serves.
 */
export function certsRoutes(app: FastifyInstance, ctx: IdpContext): void {
  app.get<{ Params: { realm: string } }>(
    '/realms/:realm/protocol/openid-connect/certs',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      return reply
        .header('cache-control', 'no-cache')
        .type('application/json')
        .send(ctx.keys.jwks(realm.name));
    },
  );

  app.get<{ Params: { realm: string } }>('/realms/:realm', async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm) return reply;
    const issuer = issuerOf(ctx, realm.name);
    return {
      realm: realm.name,
      public_key: await ctx.keys.publicKeyBase64(realm.name),
      'token-service': `${issuer}/protocol/openid-connect`,
      'account-service': `${issuer}/account`,
      'tokens-not-before': 0,
    };
  });
}
