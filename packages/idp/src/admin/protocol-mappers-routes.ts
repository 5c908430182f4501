import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { uuid } from '../lib/ids.ts';
import type { Realm } from '../realm/model.ts';
import type { ProtocolMapperRep } from '../realm/representation.ts';
import { adminRealm } from './admin-auth.ts';
import { findClientScope } from './client-scopes-routes.ts';
import { mapperRep } from './representations.ts';
import { MAPPER_FIELDS, readFields } from './rep-fields.ts';

type Params = { realm: string; id: string; mapperId?: string };

/**
 * Admin REST protocol mappers of a client scope (`/client-scopes/{id}/protocol-mappers/models`)
 * and of a client (`/clients/{id}/protocol-mappers/models`): list and read (view-clients), create,
 * update, delete (manage-clients). Tokens use the change from the next one issued.
 */
export function protocolMappersRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const containers: [
    string,
    (realm: Realm, id: string) => { id: string; protocolMappers: ProtocolMapperRep[] } | undefined,
  ][] = [
    ['client-scopes', findClientScope],
    ['clients', (realm, id) => realm.clientsById.get(id)],
  ];
  for (const [kind, find] of containers) {
    const base = `/admin/realms/:realm/${kind}/:id/protocol-mappers/models`;
    const load = async (request: FastifyRequest, reply: FastifyReply, manage: boolean) => {
      const found = await adminRealm(ctx, request, reply, manage ? 'manage-clients' : 'view-clients');
      if (!found) return undefined;
      const owner = find(found.realm, (request.params as Params).id);
      if (!owner)
        void reply
          .code(404)
          .send({ error: kind === 'clients' ? 'Could not find client' : 'Could not find client scope' });
      return owner ? { realm: found.realm, owner } : undefined;
    };
    const mapperOf = (
      mappers: ProtocolMapperRep[],
      realm: Realm,
      ownerId: string,
      mapperId: string | undefined,
    ) => mappers.find((m) => mapperRep(realm, ownerId, m).id === mapperId);

    app.get<{ Params: Params }>(base, async (request, reply) => {
      const found = await load(request, reply, false);
      return found
        ? found.owner.protocolMappers.map((m) => mapperRep(found.realm, found.owner.id, m))
        : reply;
    });

    app.get<{ Params: Params }>(`${base}/:mapperId`, async (request, reply) => {
      const found = await load(request, reply, false);
      if (!found) return reply;
      const mapper = mapperOf(
        found.owner.protocolMappers,
        found.realm,
        found.owner.id,
        request.params.mapperId,
      );
      return mapper
        ? mapperRep(found.realm, found.owner.id, mapper)
        : reply.code(404).send({ error: 'Model not found' });
    });

    app.post<{ Params: Params }>(base, async (request, reply) => {
      const found = await load(request, reply, true);
      if (!found) return reply;
      const read = readFields(request.body, MAPPER_FIELDS);
      if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
      const rep = read.fields as ProtocolMapperRep;
      if (!rep.name || !rep.protocolMapper)
        return reply.code(400).send({ errorMessage: 'name and protocolMapper are required' });
      if (found.owner.protocolMappers.some((m) => m.name === rep.name))
        return reply.code(409).send({ errorMessage: `Protocol mapper exists with same name` });
      const id = uuid();
      found.owner.protocolMappers.push({ protocol: 'openid-connect', config: {}, ...rep, id });
      return reply
        .code(201)
        .header('location', `${request.protocol}://${request.host}${request.url}/${id}`)
        .send();
    });

    app.put<{ Params: Params }>(`${base}/:mapperId`, async (request, reply) => {
      const found = await load(request, reply, true);
      if (!found) return reply;
      const mapper = mapperOf(
        found.owner.protocolMappers,
        found.realm,
        found.owner.id,
        request.params.mapperId,
      );
      if (!mapper) return reply.code(404).send({ error: 'Model not found' });
      const read = readFields(request.body, MAPPER_FIELDS);
      if ('error' in read) return reply.code(400).send({ errorMessage: read.error });
      const fields = read.fields as ProtocolMapperRep;
      if (
        fields.name &&
        fields.name !== mapper.name &&
        found.owner.protocolMappers.some((m) => m.name === fields.name)
      )
        return reply.code(409).send({ errorMessage: `Protocol mapper exists with same name` });
      Object.assign(mapper, fields);
      return reply.code(204).send();
    });

    app.delete<{ Params: Params }>(`${base}/:mapperId`, async (request, reply) => {
      const found = await load(request, reply, true);
      if (!found) return reply;
      const list = found.owner.protocolMappers;
      const mapper = mapperOf(list, found.realm, found.owner.id, request.params.mapperId);
      if (!mapper) return reply.code(404).send({ error: 'Model not found' });
      list.splice(list.indexOf(mapper), 1);
      return reply.code(204).send();
    });
  }
}
