import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { authorizeAdmin } from './admin-auth.ts';
import { rotateRealmKeys } from '../keys/rotate.ts';

/**
 * The idp's own operator endpoints (not Keycloak's), answered as JSON / problem+json:
 * - GET  {relativePath}/idp-admin/stats — token requests per realm, client and grant.
 * - POST {relativePath}/idp-admin/stats/reset — zero the counters.
 * - POST {relativePath}/idp-admin/realms/{realm}/rotate-keys — new signing keys; old ones stay published.
 * Stats are open outside production (they hold counts only, and e2e tests read them from the
 * outside); in production, and for rotation always, a master-realm admin token is required.
 */
export function idpAdminRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const guard = async (request: FastifyRequest, reply: FastifyReply, always: boolean): Promise<boolean> => {
    if (!always && !ctx.production) return true;
    const master = ctx.realms.get('master');
    if (!master) {
      void reply.code(403).type('application/problem+json').send({
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        code: 'IDP_ADMIN_FORBIDDEN',
        detail: 'no master realm administrator is configured (IDP_BOOTSTRAP_ADMIN_USERNAME / _PASSWORD)',
        instance: request.url,
      });
      return false;
    }
    return (await authorizeAdmin(ctx, request, reply, master, 'manage-realm')) !== false;
  };

  app.get('/idp-admin/stats', async (request, reply) => {
    if (!(await guard(request, reply, false))) return reply;
    return reply.header('cache-control', 'no-store').send(ctx.stats.snapshot());
  });
  app.post('/idp-admin/stats/reset', async (request, reply) => {
    if (!(await guard(request, reply, false))) return reply;
    ctx.stats.reset();
    return reply.code(204).send();
  });
  app.post<{ Params: { realm: string } }>('/idp-admin/realms/:realm/rotate-keys', async (request, reply) => {
    if (!(await guard(request, reply, true))) return reply;
    const realm = ctx.realms.get(request.params.realm);
    if (!realm)
      return reply.code(404).type('application/problem+json').send({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        code: 'IDP_NOT_FOUND',
        detail: 'no such realm',
        instance: request.url,
      });
    return rotateRealmKeys(ctx.keys, realm);
  });
}
