import type { IdpContext } from '../../context.ts';
import { OAuthError } from '../../errors.ts';
import type { Client, Realm } from '../../realm/model.ts';
import { isSubset } from '../../tokens/grant-scopes.ts';
import { verifyRealmToken } from '../../tokens/verify-token.ts';
import type { FormBody } from '../realm-lookup.ts';
import { issueSessionTokens } from './session-tokens.ts';

/**
 * `grant_type=refresh_token`. Every refresh returns a new refresh token; with the realm's
 * `revokeRefreshToken` only the latest one is accepted (`Maximum allowed refresh token reuse exceeded` otherwise,
 * as Keycloak 26.7). The session's
 * idle timer restarts; idle or maximum lifetime exceeded ends the session (`Session not active`).
 */
export async function refreshTokenGrant(
  ctx: IdpContext,
  realm: Realm,
  client: Client,
  form: FormBody,
): Promise<Record<string, unknown>> {
  if (!form.refresh_token) throw new OAuthError(400, 'invalid_request', 'Missing parameter: refresh_token');
  const token = await verifyRealmToken(ctx, realm.name, form.refresh_token, 'hmac');
  if (!token || (token.typ !== 'Refresh' && token.typ !== 'Offline'))
    throw new OAuthError(400, 'invalid_grant', 'Invalid refresh token');
  if (token.azp !== client.clientId)
    throw new OAuthError(
      400,
      'invalid_grant',
      "Invalid refresh token. Token client and authorized client don't match",
    );
  const offline = token.typ === 'Offline';
  const session = ctx.sessions.activeSession(token.sid as string | undefined, realm.settings, offline);
  if (!session)
    throw new OAuthError(
      400,
      'invalid_grant',
      offline ? 'Offline user session not found' : 'Session not active',
    );
  const clientSession = session.clients.get(client.id);
  if (!clientSession) throw new OAuthError(400, 'invalid_grant', "Session doesn't have required client");
  if (realm.settings.revokeRefreshToken && token.jti !== clientSession.currentRefreshJti) {
    throw new OAuthError(400, 'invalid_grant', 'Maximum allowed refresh token reuse exceeded');
  }
  const user = realm.users.get(session.userId);
  if (!user || !user.enabled) throw new OAuthError(400, 'invalid_grant', 'User disabled');
  if (form.scope && !isSubset(form.scope, [clientSession.scope, ...client.defaultClientScopes].join(' ')))
    throw new OAuthError(400, 'invalid_scope', 'Invalid scopes: ' + form.scope);
  session.lastRefresh = ctx.now();
  return issueSessionTokens(ctx, {
    realm,
    client,
    user,
    session,
    scopeParam: form.scope ?? clientSession.scope,
    grant: 'refresh_token',
    // As Keycloak 26.7, a refreshed ID token carries no nonce (it answered no authentication request).
    acr: '1',
  });
}
