import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IdpContext } from '../context.ts';
import { uuid } from '../lib/ids.ts';
import { pathSegment } from '../lib/path-segment.ts';
import { roleKey, type Realm, type Role } from '../realm/model.ts';
import { findRealm } from '../oidc/realm-lookup.ts';
import { expandRoles } from '../tokens/role-scope.ts';
import { authorizeAdmin, mayGrantRole } from './admin-auth.ts';
import { roleRep } from './representations.ts';

type RoleBody = { id?: string; name?: string; description?: string }[];

/** Admin REST realm roles and user role mappings (realm and client). */
export function rolesRoutes(app: FastifyInstance, ctx: IdpContext): void {
  app.get<{ Params: { realm: string } }>('/admin/realms/:realm/roles', async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-realm'))) return reply;
    return [...realm.roles.values()].filter((r) => r.clientId === undefined).map((r) => roleRep(realm, r));
  });

  app.get<{ Params: { realm: string; name: string } }>(
    '/admin/realms/:realm/roles/:name',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-realm'))) return reply;
      const role = realm.roles.get(roleKey(request.params.name));
      return role ? roleRep(realm, role) : reply.code(404).send({ error: 'Could not find role' });
    },
  );

  app.post<{ Params: { realm: string }; Body: { name?: string; description?: string } }>(
    '/admin/realms/:realm/roles',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-realm'))) return reply;
      const name = request.body?.name;
      if (typeof name !== 'string' || !name)
        return reply.code(400).send({ errorMessage: 'Role name is required' });
      if (realm.roles.has(roleKey(name)))
        return reply.code(409).send({ errorMessage: `Role with name ${name} already exists` });
      realm.roles.set(roleKey(name), {
        id: uuid(),
        name,
        description: request.body.description,
        composite: false,
        composites: [],
        attributes: {},
      });
      return reply
        .code(201)
        .header('location', `${request.protocol}://${request.host}${request.url}/${pathSegment(name)}`)
        .send();
    },
  );

  const userBase = '/admin/realms/:realm/users/:id/role-mappings';
  app.get<{ Params: { realm: string; id: string } }>(userBase, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-users'))) return reply;
    const user = realm.users.get(request.params.id);
    if (!user) return reply.code(404).send({ error: 'User not found' });
    const direct = [...user.roleKeys].map((k) => realm.roles.get(k)).filter((r): r is Role => !!r);
    const clientMappings: Record<string, unknown> = {};
    for (const role of direct.filter((r) => r.clientId !== undefined)) {
      const client = realm.clients.get(role.clientId as string);
      if (!client) continue;
      const entry = (clientMappings[client.clientId] ??= {
        id: client.id,
        client: client.clientId,
        mappings: [],
      }) as { mappings: unknown[] };
      entry.mappings.push(roleRep(realm, role));
    }
    return {
      realmMappings: direct.filter((r) => r.clientId === undefined).map((r) => roleRep(realm, r)),
      clientMappings,
    };
  });

  // realm mappings: {container} = undefined; client mappings: {container} = the client's clientId
  const mappingRoutes = (
    path: string,
    containerOf: (realm: Realm, params: Record<string, string>) => string | null | undefined,
  ) => {
    const load = async (
      request: { params: Record<string, string> },
      reply: FastifyReply,
      permission: 'view-users' | 'manage-users',
      req: Parameters<typeof authorizeAdmin>[1],
    ) => {
      const realm = findRealm(ctx, request.params.realm as string, reply);
      const caller = realm ? await authorizeAdmin(ctx, req, reply, realm, permission) : false;
      if (!realm || !caller) return undefined;
      const user = realm.users.get(request.params.id as string);
      const container = containerOf(realm, request.params);
      if (!user || container === null) {
        void reply.code(404).send({ error: user ? 'Client not found' : 'User not found' });
        return undefined;
      }
      return { realm, user, container, caller };
    };
    const roles = (realm: Realm, container: string | undefined) =>
      [...realm.roles.values()].filter((r) => r.clientId === container);
    app.get<{ Params: Record<string, string> }>(path, async (request, reply) => {
      const found = await load(request, reply, 'view-users', request);
      if (!found) return reply;
      return roles(found.realm, found.container)
        .filter((r) => found.user.roleKeys.has(roleKey(r.name, r.clientId)))
        .map((r) => roleRep(found.realm, r));
    });
    app.get<{ Params: Record<string, string> }>(`${path}/composite`, async (request, reply) => {
      const found = await load(request, reply, 'view-users', request);
      if (!found) return reply;
      const effective = expandRoles(found.realm, found.user.roleKeys);
      return roles(found.realm, found.container)
        .filter((r) => effective.has(roleKey(r.name, r.clientId)))
        .map((r) => roleRep(found.realm, r));
    });
    app.get<{ Params: Record<string, string> }>(`${path}/available`, async (request, reply) => {
      const found = await load(request, reply, 'view-users', request);
      if (!found) return reply;
      return roles(found.realm, found.container)
        .filter((r) => !found.user.roleKeys.has(roleKey(r.name, r.clientId)))
        .map((r) => roleRep(found.realm, r));
    });
    for (const method of ['POST', 'DELETE'] as const) {
      app.route<{ Params: Record<string, string>; Body: RoleBody }>({
        method,
        url: path,
        handler: async (request, reply) => {
          const found = await load(request, reply, 'manage-users', request);
          if (!found) return reply;
          const body = Array.isArray(request.body) ? request.body : [];
          const keys: string[] = [];
          for (const r of body) {
            const role = roles(found.realm, found.container).find((x) => x.name === r.name || x.id === r.id);
            if (!role) return reply.code(404).send({ error: 'Role not found' });
            const key = roleKey(role.name, role.clientId);
            // Granting an admin role needs that role (or its permission): manage-users alone must
            // not give anyone — its own service account included — manage-clients or realm-admin.
            if (method === 'POST' && !mayGrantRole(found.caller, found.realm, key))
              return reply.code(403).send({ error: 'HTTP 403 Forbidden' });
            keys.push(key);
          }
          for (const k of keys) {
            if (method === 'POST') found.user.roleKeys.add(k);
            else found.user.roleKeys.delete(k);
          }
          return reply.code(204).send();
        },
      });
    }
  };
  mappingRoutes(`${userBase}/realm`, () => undefined);
  mappingRoutes(
    `${userBase}/clients/:client`,
    (realm, params) => realm.clientsById.get(params.client as string)?.clientId ?? null,
  );
}
