import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { findRealm } from '../oidc/realm-lookup.ts';
import { authorizeAdmin } from './admin-auth.ts';
import { clientsRoutes } from './clients-routes.ts';
import { rolesRoutes } from './roles-routes.ts';
import { usersRoutes } from './users-routes.ts';

/** The Admin REST subset (see README): realm read, users, clients (read), realm roles, role mappings. */
export function adminRestRoutes(app: FastifyInstance, ctx: IdpContext): void {
  app.get<{ Params: { realm: string } }>('/admin/realms/:realm', async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-realm'))) return reply;
    const s = realm.settings;
    return {
      id: realm.id,
      realm: realm.name,
      enabled: s.enabled,
      sslRequired: s.sslRequired,
      accessTokenLifespan: s.accessTokenLifespan,
      ssoSessionIdleTimeout: s.ssoSessionIdleTimeout,
      ssoSessionMaxLifespan: s.ssoSessionMaxLifespan,
      accessCodeLifespan: s.accessCodeLifespan,
      revokeRefreshToken: s.revokeRefreshToken,
      refreshTokenMaxReuse: s.refreshTokenMaxReuse,
      bruteForceProtected: s.bruteForce.enabled,
      failureFactor: s.bruteForce.failureFactor,
      loginWithEmailAllowed: s.loginWithEmailAllowed,
      defaultDefaultClientScopes: realm.defaultDefaultClientScopes,
      defaultOptionalClientScopes: realm.defaultOptionalClientScopes,
    };
  });
  usersRoutes(app, ctx);
  clientsRoutes(app, ctx);
  rolesRoutes(app, ctx);
}
