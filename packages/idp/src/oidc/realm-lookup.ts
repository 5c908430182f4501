import type { FastifyReply } from 'fastify';
import type { IdpContext } from '../context.ts';
import type { Realm } from '../realm/model.ts';

/** Keycloak answers an unknown or disabled realm with 404 and this body. */
export function findRealm(ctx: IdpContext, name: string, reply: FastifyReply): Realm | undefined {
  const realm = ctx.realms.get(name);
  if (realm && realm.settings.enabled) return realm;
  void reply.code(404).send({
    error: 'Realm does not exist',
    error_description: 'For more on this error consult the server log.',
  });
  return undefined;
}

export type FormBody = Record<string, string | undefined>;

/** Form bodies: repeated parameters are refused by Keycloak; here the first value wins and arrays are flattened. */
export function formOf(body: unknown): FormBody {
  if (typeof body !== 'object' || body === null) return {};
  const out: FormBody = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}
