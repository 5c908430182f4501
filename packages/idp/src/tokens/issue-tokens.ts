import { createHash } from 'node:crypto';
import { issuerOf, type IdpContext } from '../context.ts';
import { uuid } from '../lib/ids.ts';
import type { Client, Realm, User } from '../realm/model.ts';
import { orderClaims, type Claims } from './claims.ts';
import { grantScopes, type GrantedScopes } from './grant-scopes.ts';
import { runMappers } from './run-mappers.ts';
import { signJwt } from './sign-jwt.ts';
import type { MapperContext } from './mapper-context.ts';
import { tokenRoles } from './role-scope.ts';

export type GrantType = 'authorization_code' | 'client_credentials' | 'password' | 'refresh_token';

const GRANT_SHORT: Record<GrantType, string> = {
  authorization_code: 'ac',
  client_credentials: 'cc',
  password: 'ro',
  refresh_token: 'rt',
};

export interface IssueInput {
  realm: Realm;
  client: Client;
  user: User;
  sessionId: string;
  sessionNotes: Record<string, string>;
  /** Transient sessions (service accounts) have no stored session and no refresh token. */
  transient: boolean;
  offline: boolean;
  /** When the session ends (ms); access and refresh token lifetimes are capped at it. */
  sessionExpiresAt?: number;
  scopeParam: string | undefined;
  grant: GrantType;
  acr: '0' | '1';
  nonce?: string;
  withRefreshToken: boolean;
  /** Refresh token expiry (ms) for online sessions; undefined = no exp (offline). */
  refreshExpiresAt?: number;
}

export interface IssuedTokens {
  response: Record<string, unknown>;
  accessClaims: Claims;
  refreshJti?: string;
}

export function mapperContext(
  ctx: IdpContext,
  input: Pick<IssueInput, 'realm' | 'client' | 'user' | 'sessionNotes' | 'acr'>,
  scopeParam: string | undefined,
  granted: GrantedScopes = grantScopes(input.realm, input.client, scopeParam),
): MapperContext {
  return {
    realm: input.realm,
    client: input.client,
    user: input.user,
    sessionNotes: input.sessionNotes,
    scopes: granted.scopes,
    roleKeys: tokenRoles(input.realm, input.user, input.client, granted.scopes),
    acr: input.acr,
    warn: (message) => ctx.logger.warn({ realm: input.realm.name, client: input.client.clientId }, message),
  };
}

/**
 * Builds and signs the token response of a grant (Keycloak `TokenManager.initToken` +
 * `AccessTokenResponseBuilder`): RS256 access token, optional RS256 ID token with `at_hash`,
 * optional HS512 refresh token (`typ` Refresh or Offline), keys in Keycloak's order.
 */
export async function issueTokens(ctx: IdpContext, input: IssueInput): Promise<IssuedTokens> {
  const { realm, client } = input;
  const now = ctx.now();
  const iat = Math.floor(now / 1000);
  const issuer = issuerOf(ctx, realm.name);
  const granted = grantScopes(realm, client, input.scopeParam);
  const mctx = mapperContext(ctx, input, input.scopeParam, granted);
  const lightweight = client.attributes['client.use.lightweight.access.token.enabled'] === 'true';
  const sessionType = input.transient ? 'tr' : input.offline ? 'of' : 'on';

  const lifespan = Number(client.attributes['access.token.lifespan']) || realm.settings.accessTokenLifespan;
  let exp = iat + lifespan;
  if (input.sessionExpiresAt !== undefined && !input.offline)
    exp = Math.min(exp, Math.floor(input.sessionExpiresAt / 1000));

  const access: Claims = {
    exp,
    iat,
    jti: `${sessionType}${lightweight ? 'lt' : 'rt'}${GRANT_SHORT[input.grant]}:${uuid()}`,
    iss: issuer,
    typ: 'Bearer',
    azp: client.clientId,
    scope: granted.tokenScope,
  };
  // Keycloak sets sub in initToken only for transient sessions; otherwise the basic scope's sub mapper does.
  if (input.transient) access.sub = input.user.id;
  // Keycloak 26.7 gives a service account's (transient) token neither sid nor acr.
  else {
    access.sid = input.sessionId;
    if (!lightweight) access.acr = input.acr;
  }
  runMappers(access, mctx, 'access', lightweight);
  const accessClaims = orderClaims(access);
  const accessToken = await signRs256(ctx, realm.name, accessClaims);

  const response: Record<string, unknown> = {
    access_token: accessToken,
    expires_in: exp - iat,
    refresh_expires_in: 0,
  };
  let refreshJti: string | undefined;
  if (input.withRefreshToken) {
    refreshJti = uuid();
    const refresh: Claims = {
      ...(input.refreshExpiresAt !== undefined ? { exp: Math.floor(input.refreshExpiresAt / 1000) } : {}),
      iat,
      jti: refreshJti,
      iss: issuer,
      aud: issuer,
      sub: input.user.id,
      typ: input.offline ? 'Offline' : 'Refresh',
      azp: client.clientId,
      sid: input.sessionId,
      scope: granted.fullScope,
    };
    response.refresh_expires_in =
      input.refreshExpiresAt !== undefined ? Math.floor(input.refreshExpiresAt / 1000) - iat : 0;
    response.refresh_token = await signHs512(ctx, realm.name, refresh);
  }
  response.token_type = 'Bearer';
  if (granted.openid) {
    const id: Claims = {
      exp,
      iat,
      jti: uuid(),
      iss: issuer,
      aud: [client.clientId],
      sub: input.user.id,
      typ: 'ID',
      azp: client.clientId,
      ...(input.nonce ? { nonce: input.nonce } : {}),
      sid: input.sessionId,
      at_hash: atHash(accessToken),
      acr: input.acr,
    };
    runMappers(id, mctx, 'id');
    response.id_token = await signRs256(ctx, realm.name, orderClaims(id));
  }
  response['not-before-policy'] = 0;
  if (!input.transient) response.session_state = input.sessionId;
  response.scope = granted.tokenScope;
  return { response, accessClaims, refreshJti };
}

export async function signRs256(
  ctx: IdpContext,
  realm: string,
  claims: Claims,
  typ = 'JWT',
): Promise<string> {
  const { kid, key } = ctx.keys.activeRsa(realm);
  return signJwt(claims, { alg: 'RS256', typ, kid }, key);
}

export async function signHs512(ctx: IdpContext, realm: string, claims: Claims): Promise<string> {
  const { kid, key } = ctx.keys.activeHmac(realm);
  return signJwt(claims, { alg: 'HS512', typ: 'JWT', kid }, key);
}

/** OIDC Core §3.1.3.6: left half of SHA-256 of the access token, base64url. */
function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
