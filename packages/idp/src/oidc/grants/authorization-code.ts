import { createHash } from 'node:crypto';
import type { IdpContext } from '../../context.ts';
import { OAuthError } from '../../errors.ts';
import type { Client, Realm } from '../../realm/model.ts';
import type { AuthorizationCode } from '../../sessions/session-store.ts';
import type { FormBody } from '../realm-lookup.ts';
import { issueSessionTokens } from './session-tokens.ts';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * `grant_type=authorization_code`. The code is consumed before any other check, so a failed
 * exchange (wrong PKCE verifier included) cannot be retried; a second use of a code removes the
 * client session it created, which revokes the tokens issued from it (RFC 6749 §4.1.2).
 */
export async function authorizationCodeGrant(
  ctx: IdpContext,
  realm: Realm,
  client: Client,
  form: FormBody,
): Promise<Record<string, unknown>> {
  if (!client.standardFlowEnabled)
    throw new OAuthError(400, 'unauthorized_client', 'Client not allowed to exchange code');
  if (!form.code) throw new OAuthError(400, 'invalid_request', 'Missing parameter: code');
  const entry = ctx.sessions.codes.get(form.code);
  if (!entry || entry.realm !== realm.name) throw new OAuthError(400, 'invalid_grant', 'Code not valid');
  if (entry.used) {
    const session = ctx.sessions.sessions.get(entry.sessionId);
    session?.clients.delete(entry.clientUuid);
    ctx.logger.warn(
      { realm: realm.name, client: client.clientId },
      'authorization code reused; client session revoked',
    );
    throw new OAuthError(400, 'invalid_grant', 'Code not valid');
  }
  entry.used = true;
  if (ctx.now() > entry.expiresAt) throw new OAuthError(400, 'invalid_grant', 'Code not valid');
  if (entry.clientUuid !== client.id) throw new OAuthError(400, 'invalid_grant', 'Auth error');
  if (form.redirect_uri !== entry.redirectUri)
    throw new OAuthError(400, 'invalid_grant', 'Incorrect redirect_uri');
  checkPkce(entry, form.code_verifier);

  const session = ctx.sessions.activeSession(entry.sessionId, realm.settings);
  if (!session) throw new OAuthError(400, 'invalid_grant', 'Session not active');
  const user = realm.users.get(session.userId);
  if (!user || !user.enabled) throw new OAuthError(400, 'invalid_grant', 'User disabled');
  return issueSessionTokens(ctx, {
    realm,
    client,
    user,
    session,
    scopeParam: entry.scope,
    grant: 'authorization_code',
    acr: session.notes.SSO_REUSE === 'true' ? '0' : '1',
    nonce: entry.nonce,
  });
}

/** Keycloak `PkceUtils` messages, verbatim. */
function checkPkce(entry: AuthorizationCode, verifier: string | undefined): void {
  if (!entry.codeChallenge) {
    if (verifier)
      throw new OAuthError(
        400,
        'invalid_grant',
        'PKCE code verifier specified but challenge not present in authorization',
      );
    return;
  }
  if (verifier === undefined) throw new OAuthError(400, 'invalid_grant', 'PKCE code verifier not specified');
  if (!VERIFIER.test(verifier))
    throw new OAuthError(400, 'invalid_grant', 'PKCE verification failed: Invalid code verifier');
  const computed =
    entry.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier, 'ascii').digest('base64url')
      : verifier;
  if (computed !== entry.codeChallenge)
    throw new OAuthError(400, 'invalid_grant', 'PKCE verification failed: Code mismatch');
}
