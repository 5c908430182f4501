import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { roleKey, type Realm } from '../realm/model.ts';
import { activeAccessToken, bearerToken } from '../oidc/access-token.ts';
import { expandRoles, tokenRoles } from '../tokens/role-scope.ts';
import { findRealm } from '../oidc/realm-lookup.ts';

const ADMIN_PERMISSIONS = [
  'view-users',
  'manage-users',
  'view-clients',
  'manage-clients',
  'view-realm',
  'manage-realm',
] as const;

export type AdminPermission = (typeof ADMIN_PERMISSIONS)[number];

const isAdminPermission = (name: string): name is AdminPermission =>
  (ADMIN_PERMISSIONS as readonly string[]).includes(name);

/** An authorized Admin REST caller: a master admin, or the effective roles it holds in the target realm. */
export interface AdminCaller {
  readonly masterAdmin: boolean;
  readonly roles: ReadonlySet<string>;
}

/**
 * Who may call the Admin REST API (`/admin/realms/{realm}/…`): a bearer access token of
 * - the `master` realm whose user holds the master realm role `admin` (the bootstrap admin), or
 * - the target realm whose user or service account holds the matching `realm-management` client
 *   role (`view-users`, `manage-users`, … or the composite `realm-admin`); `manage-*` implies `view-*`.
 * Roles are looked up in the model, not in the token: admin-cli tokens are lightweight (no roles,
 * no sub), so the user is found through the token's session as Keycloak does.
 */
export async function authorizeAdmin(
  ctx: IdpContext,
  request: FastifyRequest,
  reply: FastifyReply,
  target: Realm,
  permission: AdminPermission,
): Promise<AdminCaller | false> {
  const token = bearerToken(request.headers.authorization);
  const deny = (status: 401 | 403): false => {
    void reply.code(status).send({ error: status === 401 ? 'HTTP 401 Unauthorized' : 'HTTP 403 Forbidden' });
    return false;
  };
  if (!token) return deny(401);
  // The same "is this access token still active" judgement as introspection and UserInfo: not
  // revoked, client enabled, and the user session alive AND still holding the token's client
  // session. Revoking the refresh token, a reused authorization code or logout end that client
  // session; an access token issued from it must stop opening the Admin API too.
  let tokenRealm: Realm | undefined;
  let active: Awaited<ReturnType<typeof activeAccessToken>>;
  for (const name of ['master', target.name]) {
    const realm = ctx.realms.get(name);
    if (!realm) continue;
    active = await activeAccessToken(ctx, realm, token);
    if (active) {
      tokenRealm = realm;
      break;
    }
  }
  if (!tokenRealm || !active) return deny(401);
  // Keycloak's AdminAuth.hasAppRole: the user holds the role AND the token's client has it in its
  // role scope (fullScopeAllowed, a scope mapping or its own role), so a narrowly scoped client
  // cannot lend its users' admin roles to whoever holds its tokens.
  const roles = tokenRoles(tokenRealm, active.user, active.client, []);
  if (tokenRealm.name === 'master' && roles.has(roleKey('admin'))) return { masterAdmin: true, roles };
  if (tokenRealm !== target) return deny(403);
  return hasAdminPermission(roles, permission) ? { masterAdmin: false, roles } : deny(403);
}

/** A caller's permission from its effective roles: `manage-*` implies `view-*`; `realm-admin` implies all. */
export function hasAdminPermission(roles: ReadonlySet<string>, permission: AdminPermission): boolean {
  const manage = permission.replace('view-', 'manage-');
  return [permission, manage, 'realm-admin'].some((p) => roles.has(roleKey(p, 'realm-management')));
}

/**
 * Whether an authorized caller may grant `role` (Keycloak RolePermissions.checkAdminRoles): a
 * `realm-management` role — or a composite containing one — only by a caller who holds it or its
 * permission, so `manage-users` cannot hand itself (or anyone) `manage-clients` / `realm-admin`.
 * The master realm's `admin` role is granted by a master admin only.
 */
export function mayGrantRole(caller: AdminCaller, realm: Realm, key: string): boolean {
  if (caller.masterAdmin) return true;
  for (const granted of expandRoles(realm, [key])) {
    // The master realm's `admin` role is every realm's administrator: only a master admin grants it.
    if (realm.name === 'master' && granted === roleKey('admin')) return false;
    const role = realm.roles.get(granted);
    if (role?.clientId !== 'realm-management') continue;
    if (caller.roles.has(granted) || role.name.startsWith('query-')) continue; // query-* are free, as in Keycloak
    if (isAdminPermission(role.name) && hasAdminPermission(caller.roles, role.name)) continue;
    return false;
  }
  return true;
}

/**
 * The realm of an Admin REST request (`:realm`) once the caller is authorized for `permission`;
 * undefined when the reply (404 realm, 401, 403) has been sent.
 */
export async function adminRealm(
  ctx: IdpContext,
  request: FastifyRequest,
  reply: FastifyReply,
  permission: AdminPermission,
): Promise<{ realm: Realm; caller: AdminCaller } | undefined> {
  const realm = findRealm(ctx, (request.params as { realm: string }).realm, reply);
  const caller = realm ? await authorizeAdmin(ctx, request, reply, realm, permission) : false;
  return realm && caller ? { realm, caller } : undefined;
}
