import type { Client, ClientScope, Realm, User } from '../realm/model.ts';

/** Expands composite roles: the keys plus everything they contain, transitively. */
export function expandRoles(realm: Realm, keys: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...keys];
  while (stack.length > 0) {
    const key = stack.shift() as string;
    if (out.has(key)) continue;
    out.add(key);
    for (const child of realm.roles.get(key)?.composites ?? []) stack.push(child);
  }
  return out;
}

/**
 * The roles a token may carry (Keycloak `TokenManager.getAccess`): the user's effective roles,
 * limited — unless the client has `fullScopeAllowed` — to the client's role scope: its own client
 * roles, its scope mappings and the scope mappings of the client scopes granted to this token.
 * This is what keeps shop-api's service token free of audiences it did not ask for.
 */
export function tokenRoles(
  realm: Realm,
  user: User,
  client: Client,
  scopes: readonly ClientScope[],
): Set<string> {
  const effective = expandRoles(realm, user.roleKeys);
  if (client.fullScopeAllowed) return effective;
  const allowed = expandRoles(realm, [
    ...client.scopeRoleKeys,
    ...scopes.flatMap((s) => [...s.scopeRoleKeys]),
  ]);
  return new Set([...effective].filter((k) => allowed.has(k)));
}
