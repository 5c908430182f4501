import type { IdpContext } from '../../context.ts';
import { OAuthError } from '../../errors.ts';
import { roleKey, type Client, type Realm, type User } from '../../realm/model.ts';
import { sessionExpiry, type UserSession } from '../../sessions/session-store.ts';
import { grantScopes } from '../../tokens/grant-scopes.ts';
import { issueTokens, type GrantType } from '../../tokens/issue-tokens.ts';
import { tokenRoles } from '../../tokens/role-scope.ts';

/**
 * Issues the tokens of a user session grant (code, password, refresh) and records the client
 * session: the granted scope, whether it is offline and the current refresh token id.
 */
export async function issueSessionTokens(
  ctx: IdpContext,
  args: {
    realm: Realm;
    client: Client;
    user: User;
    session: UserSession;
    scopeParam: string | undefined;
    grant: GrantType;
    acr: '0' | '1';
    nonce?: string;
  },
): Promise<Record<string, unknown>> {
  const { realm, client, user, session, scopeParam } = args;
  const granted = grantScopes(realm, client, scopeParam);
  const offline = granted.scopes.some((s) => s.name === 'offline_access');
  if (offline && !tokenRoles(realm, user, client, granted.scopes).has(roleKey('offline_access'))) {
    throw new OAuthError(400, 'not_allowed', 'Offline tokens not allowed for the user or client');
  }
  const expiresAt = sessionExpiry(session, realm.settings, offline);
  const settings = realm.settings;
  const refreshExpiresAt = offline
    ? settings.offlineSessionMaxLifespanEnabled
      ? expiresAt
      : undefined
    : Math.min(
        ctx.now() + settings.ssoSessionIdleTimeout * 1000,
        session.started + settings.ssoSessionMaxLifespan * 1000,
      );
  const withRefreshToken = client.attributes['use.refresh.tokens'] !== 'false';
  const issued = await issueTokens(ctx, {
    realm,
    client,
    user,
    sessionId: session.id,
    sessionNotes: session.notes,
    transient: false,
    offline,
    sessionExpiresAt: offline ? undefined : expiresAt,
    scopeParam,
    grant: args.grant,
    acr: args.acr,
    nonce: args.nonce,
    withRefreshToken,
    refreshExpiresAt,
  });
  const existing = session.clients.get(client.id);
  session.clients.set(client.id, {
    clientUuid: client.id,
    clientId: client.clientId,
    scope: scopeParam ?? '',
    offline,
    started: existing?.started ?? ctx.now(),
    currentRefreshJti: issued.refreshJti,
    refreshReuseCount: 0,
  });
  return issued.response;
}
