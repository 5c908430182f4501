import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import type { Client } from '../realm/model.ts';
import { verifyRealmToken } from '../tokens/verify-token.ts';
import { activeAccessToken } from './access-token.ts';
import { authenticateClient } from './client-auth.ts';
import { findRealm, formOf, refuseDuplicatedParameters } from './realm-lookup.ts';
import { noStore } from './token-route.ts';

/**
 * POST {realm}/protocol/openid-connect/token/introspect — confidential clients only (RFC 7662).
 * An active access token answers its claims plus `client_id`, `username`, `token_type`, `active`;
 * with the KC 26.6.2 audience check (compat, default on) the caller must be in `aud`. Refresh
 * tokens are introspected only by the client they were issued to.
 */
export function introspectRoute(app: FastifyInstance, ctx: IdpContext): void {
  app.post<{ Params: { realm: string } }>(
    '/realms/:realm/protocol/openid-connect/token/introspect',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      const form = formOf(request.body);
      const caller = introspectionCaller(ctx, realm, request, form);
      if (caller.publicClient) throw new OAuthError(403, 'invalid_request', 'Client not allowed.');
      refuseDuplicatedParameters(request.body);
      if (!form.token) throw new OAuthError(400, 'invalid_request', 'Token not provided.');
      const inactive = { active: false };
      if (form.token_type_hint !== 'refresh_token') {
        const active = await activeAccessToken(ctx, realm, form.token);
        if (active) {
          const aud = active.payload.aud;
          const audiences = Array.isArray(aud) ? aud : aud ? [aud] : [];
          if (ctx.compat.introspectionAudienceCheck && !audiences.includes(caller.clientId))
            return noStore(reply).send(inactive);
          return noStore(reply).send({
            ...withoutTransientNotes(active.payload),
            client_id: active.payload.azp,
            username: active.user.username,
            token_type: 'Bearer',
            active: true,
          });
        }
      }
      const refresh = await verifyRealmToken(ctx, realm.name, form.token, 'hmac');
      if (
        refresh &&
        refresh.azp === caller.clientId &&
        (refresh.typ === 'Refresh' || refresh.typ === 'Offline')
      ) {
        const session = ctx.sessions.activeSession(
          refresh.sid as string | undefined,
          realm.settings,
          refresh.typ === 'Offline',
        );
        const clientSession = session?.clients.get(caller.id);
        const current =
          !realm.settings.revokeRefreshToken || clientSession?.currentRefreshJti === refresh.jti;
        if (session && clientSession && current) {
          return noStore(reply).send({
            ...refresh,
            client_id: refresh.azp,
            username: realm.users.get(session.userId)?.username,
            token_type: refresh.typ,
            active: true,
          });
        }
      }
      return noStore(reply).send(inactive);
    },
  );
}

/** Introspection's own client authentication: every failure is Keycloak's one answer. */
function introspectionCaller(...args: Parameters<typeof authenticateClient>): Client {
  try {
    return authenticateClient(...args);
  } catch (error) {
    if (error instanceof OAuthError && error.status === 401)
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed.');
    throw error;
  }
}

/**
 * Keycloak 26.7 introspects a service account's token from its transient session, which no
 * longer has the request's notes: the clientHost / clientAddress claims are not in the answer.
 */
function withoutTransientNotes(payload: Record<string, unknown>): Record<string, unknown> {
  if (!String(payload.jti).startsWith('tr')) return payload;
  const { clientHost: _host, clientAddress: _address, ...rest } = payload;
  return rest;
}
