import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { verifyRealmToken } from '../tokens/verify-token.ts';
import { authenticateClient } from './client-auth.ts';
import { findRealm, formOf, refuseDuplicatedParameters } from './realm-lookup.ts';
import { noStore } from './token-route.ts';

/**
 * POST {realm}/protocol/openid-connect/revoke — the client the token was issued to (RFC 7009).
 * A refresh token ends that client's session (so its refresh and access tokens stop working);
 * an access token is put on the revocation list until it expires. Unknown or invalid tokens
 * answer 200 (with Keycloak's `invalid_token` body); another client's token is refused.
 */
export function revokeRoute(app: FastifyInstance, ctx: IdpContext): void {
  app.post<{ Params: { realm: string } }>(
    '/realms/:realm/protocol/openid-connect/revoke',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      const form = formOf(request.body);
      const client = authenticateClient(ctx, realm, request, form);
      refuseDuplicatedParameters(request.body);
      if (!form.token) throw new OAuthError(400, 'invalid_request', 'Token not provided');
      const refresh = await verifyRealmToken(ctx, realm.name, form.token, 'hmac');
      const access = refresh ? undefined : await verifyRealmToken(ctx, realm.name, form.token, 'rsa');
      const payload = refresh ?? access;
      // Keycloak 26.7 answers an invalid token 200 with an error body (still 200, as RFC 7009 asks).
      if (!payload)
        return noStore(reply).send({ error: 'invalid_token', error_description: 'Invalid token' });
      if (payload.azp !== client.clientId) throw new OAuthError(400, 'invalid_request', 'Unmatching clients');
      if (refresh) {
        const session = ctx.sessions.sessions.get(String(refresh.sid));
        session?.clients.delete(client.id);
        // A session left without clients ends, online or offline (a later refresh: Session not active).
        if (session && session.clients.size === 0) ctx.sessions.removeSession(session.id);
      } else if (access?.jti && access.exp) {
        ctx.sessions.revokeAccessToken(access.jti, access.exp * 1000);
      }
      return noStore(reply).send();
    },
  );
}
