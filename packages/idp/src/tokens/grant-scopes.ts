import { OAuthError } from '../errors.ts';
import type { Client, ClientScope, Realm } from '../realm/model.ts';

export interface GrantedScopes {
  openid: boolean;
  /** Default scopes in the client's order, then requested optional ones in request order. */
  scopes: ClientScope[];
  /** The `scope` claim: openid first, then granted scopes with include.in.token.scope=true. */
  tokenScope: string;
  /** The refresh token's scope (Keycloak `getScopeString(true)`): every granted scope name. */
  fullScope: string;
}

/** Whether a client may be given `scope`: openid, or one of its default or optional client scopes. */
export function isAssignableScope(client: Client, scope: string): boolean {
  return (
    scope === 'openid' ||
    client.defaultClientScopes.includes(scope) ||
    client.optionalClientScopes.includes(scope)
  );
}

/**
 * Resolves a `scope` parameter against the client's default and optional client scopes.
 * Unknown or not-assigned scopes are refused with `invalid_scope "Invalid scopes: <param>"`.
 */
export function grantScopes(realm: Realm, client: Client, scopeParam: string | undefined): GrantedScopes {
  const requested = (scopeParam ?? '').split(' ').filter(Boolean);
  if (!requested.every((s) => isAssignableScope(client, s)))
    throw new OAuthError(400, 'invalid_scope', `Invalid scopes: ${scopeParam ?? ''}`);
  const names = [...client.defaultClientScopes];
  for (const s of requested) if (s !== 'openid' && !names.includes(s)) names.push(s);
  const scopes = names.map((n) => realm.scopes.get(n)).filter((s): s is ClientScope => s !== undefined);
  const openid = requested.includes('openid');
  const inToken = scopes
    .filter((s) => s.attributes['include.in.token.scope'] !== 'false')
    .map((s) => s.name)
    .sort();
  return {
    openid,
    scopes,
    tokenScope: [...(openid ? ['openid'] : []), ...inToken].join(' '),
    fullScope: [...(openid ? ['openid'] : []), ...scopes.map((s) => s.name)].join(' '),
  };
}

/** Whether the client scope list is a subset of what was originally granted (refresh with `scope`). */
export function isSubset(requested: string | undefined, granted: string): boolean {
  const allowed = new Set(granted.split(' '));
  return (requested ?? '')
    .split(' ')
    .filter(Boolean)
    .every((s) => allowed.has(s));
}
