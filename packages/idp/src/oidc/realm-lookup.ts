import type { FastifyReply } from 'fastify';
import type { IdpContext } from '../context.ts';
import type { Realm } from '../realm/model.ts';
import { OAuthError } from '../errors.ts';

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

/**
 * Form bodies as single strings: the first value of a repeated parameter. The endpoints that
 * Keycloak guards against repetition call {@link refuseDuplicatedParameters} first.
 */
export function formOf(body: unknown): FormBody {
  if (typeof body !== 'object' || body === null) return {};
  const out: FormBody = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}

/**
 * Keycloak's checkParameterDuplicated (token, introspection and revocation endpoints, after client
 * authentication): a form parameter sent twice is refused (RFC 6749 §3.1), rather than letting
 * the idp and a proxy or WAF in front of it each read a different value of it.
 */
export function refuseDuplicatedParameters(body: unknown): void {
  if (repeatedParameters(body).length > 0)
    throw new OAuthError(400, 'invalid_request', 'duplicated parameter');
}

/** The names of the parameters a parsed form or query carried more than once. */
export function repeatedParameters(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body)
    .filter(([, value]) => Array.isArray(value))
    .map(([name]) => name);
}
