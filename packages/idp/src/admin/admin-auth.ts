import type { FastifyReply, FastifyRequest } from 'fastify';
import { issuerOf, type IdpContext } from '../context.ts';
import { roleKey, type Realm } from '../realm/model.ts';
import { bearerToken } from '../oidc/access-token.ts';
import { expandRoles } from '../tokens/role-scope.ts';
import { verifyRealmToken } from '../tokens/verify-token.ts';

export type AdminPermission =
  'view-users' | 'manage-users' | 'view-clients' | 'manage-clients' | 'view-realm' | 'manage-realm';

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
): Promise<boolean> {
  const token = bearerToken(request.headers.authorization);
  const deny = (status: 401 | 403) => {
    void reply.code(status).send({ error: status === 401 ? 'HTTP 401 Unauthorized' : 'HTTP 403 Forbidden' });
    return false;
  };
  if (!token) return deny(401);
  let tokenRealm: Realm | undefined;
  let payload: Awaited<ReturnType<typeof verifyRealmToken>>;
  for (const name of ['master', target.name]) {
    const realm = ctx.realms.get(name);
    if (!realm) continue;
    payload = await verifyRealmToken(ctx, name, token, 'rsa');
    if (payload && payload.iss === issuerOf(ctx, name)) {
      tokenRealm = realm;
      break;
    }
  }
  if (
    !tokenRealm ||
    !payload ||
    payload.typ !== 'Bearer' ||
    (payload.jti && ctx.sessions.revokedJti.has(payload.jti))
  )
    return deny(401);
  let userId = payload.sub;
  if (!String(payload.jti).startsWith('tr')) {
    const session = ctx.sessions.activeSession(payload.sid as string | undefined, tokenRealm.settings);
    if (!session) return deny(401);
    userId = session.userId;
  }
  const user = userId ? tokenRealm.users.get(userId) : undefined;
  if (!user || !user.enabled) return deny(401);
  const roles = expandRoles(tokenRealm, user.roleKeys);
  if (tokenRealm.name === 'master' && roles.has(roleKey('admin'))) return true;
  if (tokenRealm !== target) return deny(403);
  const manage = permission.replace('view-', 'manage-');
  const ok = [permission, manage, 'realm-admin'].some((p) => roles.has(roleKey(p, 'realm-management')));
  return ok || deny(403);
}
