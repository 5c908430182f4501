import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { roleKey, type Role } from '../realm/model.ts';
import { adminRealm, mayGrantRole } from './admin-auth.ts';
import { roleRep } from './representations.ts';
import { ROLE_FIELDS, readFields } from './rep-fields.ts';

type Params = { realm: string; id: string };
type RoleBody = { id?: string; name?: string; containerId?: string; clientRole?: boolean }[];

/**
 * Admin REST composite roles by role id (`/roles-by-id/{id}/composites`): list (view-realm), add
 * and remove (manage-realm); and the update of a realm role's description (`PUT /roles/{name}`).
 * Adding a `realm-management` role to a composite follows the same rule as granting it.
 */
export function roleCompositesRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const path = '/admin/realms/:realm/roles-by-id/:id/composites';
  const load = async (request: FastifyRequest, reply: FastifyReply, manage: boolean) => {
    const found = await adminRealm(ctx, request, reply, manage ? 'manage-realm' : 'view-realm');
    if (!found) return undefined;
    const role = [...found.realm.roles.values()].find((r) => r.id === (request.params as Params).id);
    if (!role) void reply.code(404).send({ error: 'Could not find role' });
    return role ? { ...found, role } : undefined;
  };

  app.get<{ Params: Params }>(path, async (request, reply) => {
    const found = await load(request, reply, false);
    if (!found) return reply;
    return found.role.composites
      .map((key) => found.realm.roles.get(key))
      .filter((r): r is Role => r !== undefined)
      .map((r) => roleRep(found.realm, r));
  });

  for (const method of ['POST', 'DELETE'] as const) {
    app.route<{ Params: Params; Body: RoleBody }>({
      method,
      url: path,
      handler: async (request, reply) => {
        const found = await load(request, reply, true);
        if (!found) return reply;
        if (!Array.isArray(request.body))
          return reply.code(400).send({ errorMessage: 'the body must be a list of roles' });
        const keys: string[] = [];
        for (const r of request.body) {
          // By id as Keycloak; a realm role may also be named.
          const role = [...found.realm.roles.values()].find(
            (x) => x.id === r?.id || (r?.id === undefined && x.clientId === undefined && x.name === r?.name),
          );
          if (!role) return reply.code(404).send({ error: 'Could not find composite role' });
          const key = roleKey(role.name, role.clientId);
          if (method === 'POST' && !mayGrantRole(found.caller, found.realm, key))
            return reply.code(403).send({ error: 'HTTP 403 Forbidden' });
          keys.push(key);
        }
        const { role } = found;
        role.composites =
          method === 'POST'
            ? [...new Set([...role.composites, ...keys])]
            : role.composites.filter((k) => !keys.includes(k));
        role.composite = role.composites.length > 0;
        return reply.code(204).send();
      },
    });
  }

  app.put<{ Params: { realm: string; name: string } }>(
    '/admin/realms/:realm/roles/:name',
    async (request, reply) => {
      const found = await adminRealm(ctx, request, reply, 'manage-realm');
      if (!found) return reply;
      const role = found.realm.roles.get(roleKey(request.params.name));
      if (!role) return reply.code(404).send({ error: 'Could not find role' });
      const read = readFields(request.body, ROLE_FIELDS);
      if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
      role.description = (read.fields as { description?: string }).description;
      return reply.code(204).send();
    },
  );
}
