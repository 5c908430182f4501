import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { orderClaims } from '../tokens/claims.ts';
import { mapperContext } from '../tokens/issue-tokens.ts';
import { runMappers } from '../tokens/run-mappers.ts';
import { activeAccessToken, bearerToken } from './access-token.ts';
import { findRealm, formOf } from './realm-lookup.ts';

/**
 * GET|POST {realm}/protocol/openid-connect/userinfo — callers holding an active access token of
 * the realm (header, or `access_token` form field on POST). Answers `sub` plus the claims of
 * mappers with `userinfo.token.claim`, re-run over the token's scopes. Lightweight access tokens
 * are refused (KC ≥ 26.6.2). Failures: 401 + `WWW-Authenticate: Bearer … error="invalid_token"`.
 */
export function userinfoRoute(app: FastifyInstance, ctx: IdpContext): void {
  const handler = async (request: FastifyRequest<{ Params: { realm: string } }>, reply: FastifyReply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm) return reply;
    const token =
      bearerToken(request.headers.authorization) ??
      (request.method === 'POST' ? formOf(request.body).access_token : undefined);
    const fail = (description: string) =>
      reply
        .code(401)
        .header(
          'www-authenticate',
          `Bearer realm="${realm.name}", error="invalid_token", error_description="${description}"`,
        )
        // The challenge header carries the error; the body is empty, as in Keycloak 26.7.
        .send();
    // No credentials: a bare challenge, without an error (RFC 6750 §3.1, as Keycloak 26.7).
    if (!token) return reply.code(401).header('www-authenticate', `Bearer realm="${realm.name}"`).send();
    const active = await activeAccessToken(ctx, realm, token);
    if (!active) return fail('Token verification failed');
    if (String(active.payload.jti).slice(2, 4) === 'lt') return fail('Token verification failed');
    const mctx = mapperContext(
      ctx,
      {
        realm,
        client: active.client,
        user: active.user,
        sessionNotes: active.session?.notes ?? {},
        acr: '1',
      },
      scopeParam(active.payload.scope),
    );
    const claims = runMappers({ sub: active.user.id }, mctx, 'userinfo');
    return reply.header('cache-control', 'no-store').send(orderClaims(claims));
  };
  app.get('/realms/:realm/protocol/openid-connect/userinfo', handler);
  app.post('/realms/:realm/protocol/openid-connect/userinfo', handler);
}

/** The token's `scope` claim back into a scope parameter (only names, unknown ones dropped later). */
function scopeParam(scope: unknown): string {
  return typeof scope === 'string' ? scope : '';
}
