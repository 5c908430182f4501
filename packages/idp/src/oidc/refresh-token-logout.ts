import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import type { Realm } from '../realm/model.ts';
import { verifyRealmToken } from '../tokens/verify-token.ts';
import { logoutSession } from './backchannel-logout.ts';
import { authenticateClient } from './client-auth.ts';
import type { FormBody } from './realm-lookup.ts';

/**
 * POST {realm}/protocol/openid-connect/logout with `refresh_token`: Keycloak's logout for a
 * confidential client without a browser (keycloak-connect, a backend-for-frontend). The client
 * authenticates, the refresh token names the user session, the session ends (back-channel logout
 * reaches the other clients) and the answer is 204. A BFF can thus end the IdP session without
 * handing the browser an ID token for `id_token_hint`.
 */
export async function refreshTokenLogout(
  ctx: IdpContext,
  realm: Realm,
  request: FastifyRequest,
  form: FormBody,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const client = authenticateClient(ctx, realm, request, form);
  const token = await verifyRealmToken(ctx, realm.name, form.refresh_token ?? '', 'hmac');
  if (!token || (token.typ !== 'Refresh' && token.typ !== 'Offline'))
    throw new OAuthError(400, 'invalid_grant', 'Invalid refresh token');
  if (token.azp !== client.clientId)
    throw new OAuthError(
      400,
      'invalid_grant',
      "Invalid refresh token. Token client and authorized client don't match",
    );
  const session = typeof token.sid === 'string' ? ctx.sessions.sessions.get(token.sid) : undefined;
  if (session && session.realm === realm.name) await logoutSession(ctx, realm, session);
  return reply.code(204).header('cache-control', 'no-store').send();
}
