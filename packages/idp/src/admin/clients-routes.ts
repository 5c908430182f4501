import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { serviceAccountUser } from '../realm/model.ts';
import { findRealm } from '../oidc/realm-lookup.ts';
import { authorizeAdmin } from './admin-auth.ts';
import { clientRep, roleRep, userRep } from './representations.ts';

/** Admin REST clients (read side): list/search, get, roles, service-account user, secret. */
export function clientsRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const base = '/admin/realms/:realm/clients';
  app.get<{
    Params: { realm: string };
    Querystring: { clientId?: string; search?: string; first?: string; max?: string };
  }>(base, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-clients'))) return reply;
    const { clientId, search } = request.query;
    const first = Math.max(0, Number(request.query.first ?? 0) || 0);
    const max = Math.min(1000, Math.max(0, Number(request.query.max ?? 100) || 100));
    return [...realm.clients.values()]
      .filter(
        (c) =>
          !clientId ||
          (search === 'true'
            ? c.clientId.toLowerCase().includes(clientId.toLowerCase())
            : c.clientId === clientId),
      )
      .slice(first, first + max)
      .map(clientRep);
  });

  app.get<{ Params: { realm: string; id: string } }>(`${base}/:id`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-clients'))) return reply;
    const client = realm.clientsById.get(request.params.id);
    return client ? clientRep(client) : reply.code(404).send({ error: 'Could not find client' });
  });

  app.get<{ Params: { realm: string; id: string } }>(`${base}/:id/roles`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-clients'))) return reply;
    const client = realm.clientsById.get(request.params.id);
    if (!client) return reply.code(404).send({ error: 'Could not find client' });
    return [...realm.roles.values()]
      .filter((r) => r.clientId === client.clientId)
      .map((r) => roleRep(realm, r));
  });

  app.get<{ Params: { realm: string; id: string; name: string } }>(
    `${base}/:id/roles/:name`,
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-clients'))) return reply;
      const client = realm.clientsById.get(request.params.id);
      const role = client
        ? [...realm.roles.values()].find(
            (r) => r.clientId === client.clientId && r.name === request.params.name,
          )
        : undefined;
      return role ? roleRep(realm, role) : reply.code(404).send({ error: 'Could not find role' });
    },
  );

  app.get<{ Params: { realm: string; id: string } }>(
    `${base}/:id/service-account-user`,
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-clients'))) return reply;
      const client = realm.clientsById.get(request.params.id);
      const user = client?.serviceAccountsEnabled ? serviceAccountUser(realm, client.clientId) : undefined;
      return user
        ? userRep(user)
        : reply.code(400).send({ error: 'Service account not enabled for the client' });
    },
  );

  // The secret is readable only with manage-clients (realm-admin), never with view-clients.
  app.get<{ Params: { realm: string; id: string } }>(`${base}/:id/client-secret`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-clients'))) return reply;
    const client = realm.clientsById.get(request.params.id);
    if (!client) return reply.code(404).send({ error: 'Could not find client' });
    return reply.header('cache-control', 'no-store').send({ type: 'secret', value: client.secret });
  });
}
