import type { IdpContext } from '../../context.ts';
import { OAuthError } from '../../errors.ts';
import { uuid } from '../../lib/ids.ts';
import { serviceAccountUser, type Client, type Realm } from '../../realm/model.ts';
import { issueTokens } from '../../tokens/issue-tokens.ts';
import type { FormBody } from '../realm-lookup.ts';

/**
 * `grant_type=client_credentials` (Keycloak ClientCredentialsGrantType): a transient session,
 * `sub` = the service-account user, session notes for the `service_account` scope's
 * `client_id` / `clientHost` / `clientAddress` claims, and no refresh token.
 */
export async function clientCredentialsGrant(
  ctx: IdpContext,
  realm: Realm,
  client: Client,
  form: FormBody,
  clientIp: string,
): Promise<Record<string, unknown>> {
  if (client.publicClient)
    throw new OAuthError(401, 'unauthorized_client', 'Public client not allowed to retrieve service account');
  if (!client.serviceAccountsEnabled)
    throw new OAuthError(401, 'unauthorized_client', 'Client not enabled to retrieve service account');
  const user = serviceAccountUser(realm, client.clientId);
  if (!user)
    throw new OAuthError(401, 'unauthorized_client', 'Client not enabled to retrieve service account');
  if (!user.enabled) throw new OAuthError(401, 'invalid_request', `User '${user.username}' disabled`);
  const notes = {
    client_id: client.clientId,
    clientId: client.clientId,
    clientHost: clientIp,
    clientAddress: clientIp,
  };
  const issued = await issueTokens(ctx, {
    realm,
    client,
    user,
    sessionId: uuid(),
    sessionNotes: notes,
    transient: true,
    offline: false,
    scopeParam: form.scope,
    grant: 'client_credentials',
    acr: '1',
    withRefreshToken: false,
  });
  return issued.response;
}
