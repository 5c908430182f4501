import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { IdpError } from '../errors.ts';
import { randomToken, uuid } from '../lib/ids.ts';
import { pathSegment } from '../lib/path-segment.ts';
import { buildClient, buildUser } from '../realm/build-realm.ts';
import { roleKey, serviceAccountUser, type Client, type Realm } from '../realm/model.ts';
import type { ClientRep } from '../realm/representation.ts';
import { adminRealm } from './admin-auth.ts';
import { forgetRole } from './forget-role.ts';
import { CLIENT_FIELDS, ROLE_FIELDS, readFields } from './rep-fields.ts';

type ClientParams = { realm: string; id: string };

/**
 * Admin REST clients (write side), manage-clients: create, update, delete; client roles create and
 * update; the client's default and optional client scopes.
 */
export function clientsWriteRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const base = '/admin/realms/:realm/clients';
  const load = async (request: FastifyRequest, reply: FastifyReply) => {
    const found = await adminRealm(ctx, request, reply, 'manage-clients');
    if (!found) return undefined;
    const client = found.realm.clientsById.get((request.params as ClientParams).id);
    if (!client) void reply.code(404).send({ error: 'Could not find client' });
    return client ? { realm: found.realm, client } : undefined;
  };

  app.post<{ Params: { realm: string } }>(base, async (request, reply) => {
    const found = await adminRealm(ctx, request, reply, 'manage-clients');
    if (!found) return reply;
    const read = readFields(request.body, CLIENT_FIELDS);
    if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
    const rep = read.fields as ClientRep;
    if (!rep.clientId) return reply.code(400).send({ errorMessage: 'clientId is required' });
    const { realm } = found;
    if (realm.clients.has(rep.clientId))
      return reply.code(409).send({ errorMessage: `Client ${rep.clientId} already exists` });
    // As Keycloak: a confidential client created without a secret gets a generated one.
    const confidential = !rep.publicClient && !rep.bearerOnly;
    const created = toClient(realm, {
      ...rep,
      id: uuid(),
      secret: rep.secret ?? (confidential ? randomToken() : undefined),
    });
    if (typeof created === 'string') return reply.code(400).send({ errorMessage: created });
    realm.clients.set(created.clientId, created);
    realm.clientsById.set(created.id, created);
    ensureServiceAccount(realm, created);
    return reply
      .code(201)
      .header('location', `${request.protocol}://${request.host}${request.url}/${created.id}`)
      .send();
  });

  // The fields given replace the client's; scopes, mappers and role scope have their own endpoints.
  app.put<{ Params: ClientParams }>(`${base}/:id`, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    const { realm, client } = found;
    const read = readFields(request.body, CLIENT_FIELDS);
    if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
    const { defaultClientScopes: _d, optionalClientScopes: _o, ...fields } = read.fields as ClientRep;
    if (fields.clientId !== undefined && fields.clientId !== client.clientId)
      return reply.code(400).send({ errorMessage: 'the idp does not rename clients' });
    // Attributes given are set, the others kept (Keycloak's updateClient does the same).
    const rep: ClientRep = {
      ...client.rep,
      ...fields,
      attributes: { ...client.attributes, ...fields.attributes },
      id: client.id,
      secret: fields.secret ?? client.secret,
    };
    const updated = toClient(realm, rep);
    if (typeof updated === 'string') return reply.code(400).send({ errorMessage: updated });
    Object.assign(client, {
      ...updated,
      defaultClientScopes: client.defaultClientScopes,
      optionalClientScopes: client.optionalClientScopes,
      protocolMappers: client.protocolMappers,
      scopeRoleKeys: client.scopeRoleKeys,
    });
    ensureServiceAccount(realm, client);
    return reply.code(204).send();
  });

  app.delete<{ Params: ClientParams }>(`${base}/:id`, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    const { realm, client } = found;
    realm.clients.delete(client.clientId);
    realm.clientsById.delete(client.id);
    const serviceAccount = serviceAccountUser(realm, client.clientId);
    if (serviceAccount) realm.users.delete(serviceAccount.id);
    for (const [key, role] of realm.roles) if (role.clientId === client.clientId) forgetRole(realm, key);
    return reply.code(204).send();
  });

  app.post<{ Params: ClientParams }>(`${base}/:id/roles`, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    const { realm, client } = found;
    const read = readFields(request.body, ROLE_FIELDS);
    if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
    const { name, description } = read.fields as { name?: string; description?: string };
    if (!name) return reply.code(400).send({ errorMessage: 'Role name is required' });
    const key = roleKey(name, client.clientId);
    if (realm.roles.has(key))
      return reply.code(409).send({ errorMessage: `Role with name ${name} already exists` });
    realm.roles.set(key, {
      id: uuid(),
      name,
      description,
      clientId: client.clientId,
      composite: false,
      composites: [],
      attributes: {},
    });
    client.scopeRoleKeys.add(key); // a client's own roles are always in its role scope
    return reply
      .code(201)
      .header('location', `${request.protocol}://${request.host}${request.url}/${pathSegment(name)}`)
      .send();
  });

  app.put<{ Params: ClientParams & { name: string } }>(`${base}/:id/roles/:name`, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    const role = found.realm.roles.get(roleKey(request.params.name, found.client.clientId));
    if (!role) return reply.code(404).send({ error: 'Could not find role' });
    const read = readFields(request.body, ROLE_FIELDS);
    if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
    role.description = (read.fields as { description?: string }).description;
    return reply.code(204).send();
  });

  for (const kind of ['default', 'optional'] as const) {
    const listOf = (client: Client) =>
      kind === 'default' ? client.defaultClientScopes : client.optionalClientScopes;
    const otherOf = (client: Client) =>
      kind === 'default' ? client.optionalClientScopes : client.defaultClientScopes;
    const path = `${base}/:id/${kind}-client-scopes`;
    app.get<{ Params: ClientParams }>(path, async (request, reply) => {
      const found = await adminRealm(ctx, request, reply, 'view-clients');
      if (!found) return reply;
      const client = found.realm.clientsById.get(request.params.id);
      if (!client) return reply.code(404).send({ error: 'Could not find client' });
      return listOf(client)
        .map((name) => found.realm.scopes.get(name))
        .filter((s) => s !== undefined)
        .map((s) => ({ id: s.id, name: s.name }));
    });
    const scopeOf = (realm: Realm, id: string) => [...realm.scopes.values()].find((s) => s.id === id);
    app.put<{ Params: ClientParams & { scopeId: string } }>(`${path}/:scopeId`, async (request, reply) => {
      const found = await load(request, reply);
      if (!found) return reply;
      const scope = scopeOf(found.realm, request.params.scopeId);
      if (!scope) return reply.code(404).send({ error: 'Could not find client scope' });
      if (otherOf(found.client).includes(scope.name))
        return reply
          .code(409)
          .send({ errorMessage: `Client scope ${scope.name} is already assigned to the client` });
      if (!listOf(found.client).includes(scope.name)) listOf(found.client).push(scope.name);
      return reply.code(204).send();
    });
    app.delete<{ Params: ClientParams & { scopeId: string } }>(`${path}/:scopeId`, async (request, reply) => {
      const found = await load(request, reply);
      if (!found) return reply;
      const scope = scopeOf(found.realm, request.params.scopeId);
      const list = listOf(found.client);
      const at = scope ? list.indexOf(scope.name) : -1;
      if (at < 0) return reply.code(404).send({ error: 'Client scope not assigned to the client' });
      list.splice(at, 1);
      return reply.code(204).send();
    });
  }
}

/** A client model from a representation, with only the realm's existing client scopes; or why not. */
function toClient(realm: Realm, rep: ClientRep): Client | string {
  try {
    const client = buildClient(
      realm.name,
      rep,
      realm.defaultDefaultClientScopes,
      realm.defaultOptionalClientScopes,
      (m) => {
        throw new IdpError('IDP_REALM_FILE_INVALID', m);
      },
    );
    client.defaultClientScopes = client.defaultClientScopes.filter((s) => realm.scopes.has(s));
    client.optionalClientScopes = client.optionalClientScopes.filter((s) => realm.scopes.has(s));
    return client;
  } catch (err) {
    if (err instanceof IdpError) return err.message;
    throw err;
  }
}

/** Keycloak makes `service-account-<clientId>` (with the realm's default role) when service accounts are on. */
function ensureServiceAccount(realm: Realm, client: Client): void {
  if (!client.serviceAccountsEnabled || serviceAccountUser(realm, client.clientId)) return;
  const user = buildUser(
    realm.name,
    { id: uuid(), username: `service-account-${client.clientId}`, serviceAccountClientId: client.clientId },
    (m) => {
      throw new IdpError('IDP_REALM_FILE_INVALID', m);
    },
  );
  user.roleKeys.add(realm.defaultRoleKey);
  realm.users.set(user.id, user);
}
