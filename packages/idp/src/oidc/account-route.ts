import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { activeAccessToken, bearerToken } from './access-token.ts';
import { findRealm } from './realm-lookup.ts';

/**
 * GET {realm}/account — the account REST read keycloak-js `loadUserProfile()` makes; the caller
 * must hold an active access token of the realm and sees only its own profile.
 */
export function accountRoute(app: FastifyInstance, ctx: IdpContext): void {
  app.get<{ Params: { realm: string } }>('/realms/:realm/account', async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm) return reply;
    const token = bearerToken(request.headers.authorization);
    const active = token ? await activeAccessToken(ctx, realm, token) : undefined;
    if (!active)
      return reply
        .code(401)
        .header('www-authenticate', `Bearer realm="${realm.name}"`)
        .send({ error: 'HTTP 401 Unauthorized' });
    const u = active.user;
    return reply.header('cache-control', 'no-store').send({
      id: u.id,
      username: u.username,
      firstName: u.firstName,
      lastName: u.lastName,
      email: u.email,
      emailVerified: u.emailVerified,
      attributes: u.attributes,
    });
  });
}
