import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { uuid } from '../lib/ids.ts';
import type { ClientScope, Realm } from '../realm/model.ts';
import type { ClientScopeRep } from '../realm/representation.ts';
import { adminRealm } from './admin-auth.ts';
import { clientScopeRep } from './representations.ts';
import { CLIENT_SCOPE_FIELDS, readFields } from './rep-fields.ts';

type ScopeParams = { realm: string; id: string };

export const findClientScope = (realm: Realm, id: string): ClientScope | undefined =>
  [...realm.scopes.values()].find((s) => s.id === id);

/** Admin REST client scopes: list and read (view-clients), create, update, delete (manage-clients). */
export function clientScopesRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const base = '/admin/realms/:realm/client-scopes';
  const load = async (request: FastifyRequest, reply: FastifyReply, manage: boolean) => {
    const found = await adminRealm(ctx, request, reply, manage ? 'manage-clients' : 'view-clients');
    if (!found) return undefined;
    const scope = findClientScope(found.realm, (request.params as ScopeParams).id);
    if (!scope) void reply.code(404).send({ error: 'Could not find client scope' });
    return scope ? { realm: found.realm, scope } : undefined;
  };

  app.get<{ Params: { realm: string } }>(base, async (request, reply) => {
    const found = await adminRealm(ctx, request, reply, 'view-clients');
    if (!found) return reply;
    return [...found.realm.scopes.values()].map((s) => clientScopeRep(found.realm, s));
  });

  app.get<{ Params: ScopeParams }>(`${base}/:id`, async (request, reply) => {
    const found = await load(request, reply, false);
    return found ? clientScopeRep(found.realm, found.scope) : reply;
  });

  app.post<{ Params: { realm: string } }>(base, async (request, reply) => {
    const found = await adminRealm(ctx, request, reply, 'manage-clients');
    if (!found) return reply;
    const read = readFields(request.body, CLIENT_SCOPE_FIELDS);
    if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
    const rep = read.fields as ClientScopeRep;
    if (!rep.name) return reply.code(400).send({ errorMessage: 'name is required' });
    if (found.realm.scopes.has(rep.name))
      return reply.code(409).send({ errorMessage: `Client Scope ${rep.name} already exists` });
    const id = uuid();
    found.realm.scopes.set(rep.name, {
      id,
      name: rep.name,
      attributes: rep.attributes ?? {},
      protocolMappers: [],
      scopeRoleKeys: new Set(),
      rep: { ...rep, id },
    });
    return reply
      .code(201)
      .header('location', `${request.protocol}://${request.host}${request.url}/${id}`)
      .send();
  });

  app.put<{ Params: ScopeParams }>(`${base}/:id`, async (request, reply) => {
    const found = await load(request, reply, true);
    if (!found) return reply;
    const read = readFields(request.body, CLIENT_SCOPE_FIELDS);
    if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
    const fields = read.fields as ClientScopeRep;
    if (fields.name !== undefined && fields.name !== found.scope.name)
      return reply.code(400).send({ errorMessage: 'the idp does not rename client scopes' });
    const attributes = { ...found.scope.attributes, ...fields.attributes };
    found.scope.rep = { ...found.scope.rep, ...fields, attributes };
    found.scope.attributes = attributes;
    return reply.code(204).send();
  });

  app.delete<{ Params: ScopeParams }>(`${base}/:id`, async (request, reply) => {
    const found = await load(request, reply, true);
    if (!found) return reply;
    const { realm, scope } = found;
    realm.scopes.delete(scope.name);
    const drop = (list: string[]) => list.splice(0, list.length, ...list.filter((n) => n !== scope.name));
    for (const client of realm.clients.values()) {
      drop(client.defaultClientScopes);
      drop(client.optionalClientScopes);
    }
    drop(realm.defaultDefaultClientScopes);
    drop(realm.defaultOptionalClientScopes);
    return reply.code(204).send();
  });
}
