import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { roleKey, type Realm, type Role } from '../realm/model.ts';
import { adminRealm } from './admin-auth.ts';
import { findClientScope } from './client-scopes-routes.ts';
import { roleRep } from './representations.ts';

type Params = { realm: string; id: string; client?: string };
type RoleBody = { id?: string; name?: string }[];
type Holder = { scopeRoleKeys: Set<string>; clientId?: string };

/**
 * Admin REST scope mappings — the roles a client's or a client scope's tokens may carry
 * (`fullScopeAllowed: false`): `/{clients|client-scopes}/{id}/scope-mappings/realm` and
 * `…/scope-mappings/clients/{client}`; list (view-clients), add and remove (manage-clients).
 */
export function scopeMappingsRoutes(app: FastifyInstance, ctx: IdpContext): void {
  // A client's own roles are always in its role scope (the idp keeps them in scopeRoleKeys);
  // Keycloak does not list them as scope mappings, so neither does this.
  const mapped = (holder: Holder, role: Role) =>
    holder.scopeRoleKeys.has(roleKey(role.name, role.clientId)) &&
    (holder.clientId === undefined || role.clientId !== holder.clientId);
  const holders: [string, (realm: Realm, id: string) => Holder | undefined][] = [
    ['client-scopes', findClientScope],
    ['clients', (realm, id) => realm.clientsById.get(id)],
  ];
  for (const [kind, find] of holders) {
    // Every mapping at once, as Keycloak's MappingsRepresentation: realm roles, client roles by clientId.
    app.get<{ Params: Params }>(`/admin/realms/:realm/${kind}/:id/scope-mappings`, async (request, reply) => {
      const found = await adminRealm(ctx, request, reply, 'view-clients');
      if (!found) return reply;
      const holder = find(found.realm, request.params.id);
      if (!holder) return reply.code(404).send({ error: 'Could not find client' });
      const roles = [...found.realm.roles.values()].filter((r) => mapped(holder, r));
      const clientMappings: Record<string, { id: string; client: string; mappings: unknown[] }> = {};
      for (const role of roles) {
        const owner = role.clientId === undefined ? undefined : found.realm.clients.get(role.clientId);
        if (!owner) continue;
        (clientMappings[owner.clientId] ??= {
          id: owner.id,
          client: owner.clientId,
          mappings: [],
        }).mappings.push(roleRep(found.realm, role));
      }
      return {
        realmMappings: roles.filter((r) => r.clientId === undefined).map((r) => roleRep(found.realm, r)),
        clientMappings,
      };
    });
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
        return found.roles.filter((r) => mapped(found.holder, r)).map((r) => roleRep(found.realm, r));
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
