import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { roleKey, type Realm } from '../realm/model.ts';
import { adminRealm } from './admin-auth.ts';
import { findClientScope } from './client-scopes-routes.ts';
import { roleRep } from './representations.ts';

type Params = { realm: string; id: string; client?: string };
type RoleBody = { id?: string; name?: string }[];

/**
 * Admin REST scope mappings — the roles a client's or a client scope's tokens may carry
 * (`fullScopeAllowed: false`): `/{clients|client-scopes}/{id}/scope-mappings/realm` and
 * `…/scope-mappings/clients/{client}`; list (view-clients), add and remove (manage-clients).
 */
export function scopeMappingsRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const holders: [string, (realm: Realm, id: string) => { scopeRoleKeys: Set<string> } | undefined][] = [
    ['client-scopes', findClientScope],
    ['clients', (realm, id) => realm.clientsById.get(id)],
  ];
  for (const [kind, find] of holders) {
    for (const target of ['realm', 'clients/:client'] as const) {
      const path = `/admin/realms/:realm/${kind}/:id/scope-mappings/${target}`;
      const load = async (request: FastifyRequest, reply: FastifyReply, manage: boolean) => {
        const found = await adminRealm(ctx, request, reply, manage ? 'manage-clients' : 'view-clients');
        if (!found) return undefined;
        const params = request.params as Params;
        const holder = find(found.realm, params.id);
        // {container}: undefined for realm roles, the clientId owning the client roles otherwise
        const container =
          params.client === undefined ? undefined : found.realm.clientsById.get(params.client)?.clientId;
        if (!holder || (params.client !== undefined && container === undefined)) {
          void reply.code(404).send({ error: 'Could not find client' });
          return undefined;
        }
        const roles = [...found.realm.roles.values()].filter((r) => r.clientId === container);
        return { realm: found.realm, holder, roles };
      };

      app.get<{ Params: Params }>(path, async (request, reply) => {
        const found = await load(request, reply, false);
        if (!found) return reply;
        return found.roles
          .filter((r) => found.holder.scopeRoleKeys.has(roleKey(r.name, r.clientId)))
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
              const role = found.roles.find((x) => x.id === r?.id || x.name === r?.name);
              if (!role) return reply.code(404).send({ error: 'Could not find role' });
              keys.push(roleKey(role.name, role.clientId));
            }
            for (const key of keys)
              if (method === 'POST') found.holder.scopeRoleKeys.add(key);
              else found.holder.scopeRoleKeys.delete(key);
            return reply.code(204).send();
          },
        });
      }
    }
  }
}
