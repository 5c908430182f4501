import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IdpContext } from '../context.ts';
import { roleKey, type Realm } from '../realm/model.ts';
import { adminRealm } from './admin-auth.ts';
import { forgetRole } from './forget-role.ts';

/**
 * Admin REST role deletion (what `npm run realm -- apply --prune` sends): a realm role by name
 * (manage-realm), a client role by name (manage-clients). The role leaves every user, composite
 * and role scope that named it. As Keycloak, the realm's default role cannot be deleted.
 */
export function roleDeleteRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const remove = (realm: Realm, reply: FastifyReply, name: string, clientId?: string) => {
    const key = roleKey(name, clientId);
    if (!realm.roles.has(key)) return reply.code(404).send({ error: 'Could not find role' });
    if (key === realm.defaultRoleKey)
      return reply
        .code(400)
        .send({ errorMessage: `${name} is default role of the realm and cannot be removed.` });
    forgetRole(realm, key);
    return reply.code(204).send();
  };

  app.delete<{ Params: { realm: string; name: string } }>(
    '/admin/realms/:realm/roles/:name',
    async (request, reply) => {
      const found = await adminRealm(ctx, request, reply, 'manage-realm');
      return found ? remove(found.realm, reply, request.params.name) : reply;
    },
  );

  app.delete<{ Params: { realm: string; id: string; name: string } }>(
    '/admin/realms/:realm/clients/:id/roles/:name',
    async (request, reply) => {
      const found = await adminRealm(ctx, request, reply, 'manage-clients');
      if (!found) return reply;
      const client = found.realm.clientsById.get(request.params.id);
      if (!client) return reply.code(404).send({ error: 'Could not find client' });
      return remove(found.realm, reply, request.params.name, client.clientId);
    },
  );
}
