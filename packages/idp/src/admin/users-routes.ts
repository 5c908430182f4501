import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { uuid } from '../lib/ids.ts';
import { checkPassword } from '../password/password-policy.ts';
import { hashPassword } from '../password/scrypt.ts';
import { findUserByEmail, findUserByUsername, type Realm, type User } from '../realm/model.ts';
import type { UserRep } from '../realm/representation.ts';
import { logoutSession } from '../oidc/backchannel-logout.ts';
import { findRealm } from '../oidc/realm-lookup.ts';
import { authorizeAdmin } from './admin-auth.ts';
import { userRep } from './representations.ts';

type UsersQuery = {
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  search?: string;
  exact?: string;
  first?: string;
  max?: string;
  q?: string;
  enabled?: string;
};

/** Admin REST users: list/search, count, get, create, update, delete, reset-password, logout. */
export function usersRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const base = '/admin/realms/:realm/users';

  app.get<{ Params: { realm: string }; Querystring: UsersQuery }>(base, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-users'))) return reply;
    const first = Math.max(0, Number(request.query.first ?? 0) || 0);
    const max = Math.min(1000, Math.max(0, Number(request.query.max ?? 100) || 100));
    return searchUsers(realm, request.query)
      .slice(first, first + max)
      .map((user) => userRep(user, 'brief'));
  });

  app.get<{ Params: { realm: string }; Querystring: UsersQuery }>(`${base}/count`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-users'))) return reply;
    return searchUsers(realm, request.query).length;
  });

  app.get<{ Params: { realm: string; id: string } }>(`${base}/:id`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'view-users'))) return reply;
    const user = realm.users.get(request.params.id);
    return user ? userRep(user) : reply.code(404).send({ error: 'User not found' });
  });

  app.post<{ Params: { realm: string }; Body: UserRep }>(base, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-users'))) return reply;
    const body = request.body ?? {};
    if (typeof body.username !== 'string' || !body.username.trim())
      return reply.code(400).send({ errorMessage: 'error-user-attribute-required', field: 'username' });
    if (findUserByUsername(realm, body.username))
      return reply.code(409).send({ errorMessage: 'User exists with same username' });
    if (body.email && findUserByEmail(realm, body.email))
      return reply.code(409).send({ errorMessage: 'User exists with same email' });
    const user: User = {
      // Random, as Keycloak: a user deleted and created again under the same username is another
      // person and must not inherit what services stored under the old `sub`.
      id: uuid(),
      username: body.username.trim().toLowerCase(),
      enabled: body.enabled ?? false,
      email: body.email || undefined,
      emailVerified: body.emailVerified ?? false,
      firstName: body.firstName || undefined,
      lastName: body.lastName || undefined,
      attributes: sanitizeAttributes(body.attributes),
      requiredActions: [...(body.requiredActions ?? [])],
      roleKeys: new Set([realm.defaultRoleKey]),
      createdTimestamp: ctx.now(),
    };
    const password = body.credentials?.find((c) => c.type === 'password' && typeof c.value === 'string');
    // Keycloak refuses the whole creation (nothing is stored) with this generic message.
    if (password?.value && checkPassword(realm.passwordPolicy, password.value, user))
      return reply.code(400).send({ errorMessage: 'Password policy not met' });
    if (password?.value) user.passwordHash = await hashPassword(password.value, ctx.hashing);
    realm.users.set(user.id, user);
    return reply
      .code(201)
      .header('location', `${request.protocol}://${request.host}${request.url.split('?')[0]}/${user.id}`)
      .send();
  });

  app.put<{ Params: { realm: string; id: string }; Body: UserRep }>(`${base}/:id`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-users'))) return reply;
    const user = realm.users.get(request.params.id);
    if (!user) return reply.code(404).send({ error: 'User not found' });
    const body = request.body ?? {};
    if (body.email !== undefined) {
      const other = body.email ? findUserByEmail(realm, body.email) : undefined;
      if (other && other.id !== user.id)
        return reply.code(409).send({ errorMessage: 'User exists with same email' });
      user.email = body.email || undefined;
    }
    if (body.firstName !== undefined) user.firstName = body.firstName || undefined;
    if (body.lastName !== undefined) user.lastName = body.lastName || undefined;
    if (typeof body.emailVerified === 'boolean') user.emailVerified = body.emailVerified;
    if (typeof body.enabled === 'boolean') user.enabled = body.enabled;
    if (Array.isArray(body.requiredActions))
      user.requiredActions = body.requiredActions.filter((a) => typeof a === 'string');
    if (body.attributes !== undefined) user.attributes = sanitizeAttributes(body.attributes);
    return reply.code(204).send();
  });

  app.delete<{ Params: { realm: string; id: string } }>(`${base}/:id`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-users'))) return reply;
    const user = realm.users.get(request.params.id);
    if (!user || user.serviceAccountClientId) return reply.code(404).send({ error: 'User not found' });
    for (const s of ctx.sessions.sessionsOfUser(realm.name, user.id)) await logoutSession(ctx, realm, s);
    realm.users.delete(user.id);
    return reply.code(204).send();
  });

  app.put<{
    Params: { realm: string; id: string };
    Body: { type?: string; value?: string; temporary?: boolean };
  }>(`${base}/:id/reset-password`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-users'))) return reply;
    const user = realm.users.get(request.params.id);
    if (!user) return reply.code(404).send({ error: 'User not found' });
    const value = request.body?.value;
    if (typeof value !== 'string' || value.length === 0)
      return reply.code(400).send({ error: 'invalidPasswordMinLengthMessage' });
    const violation = checkPassword(realm.passwordPolicy, value, user);
    if (violation)
      return reply.code(400).send({ error: violation.key, error_description: violation.message });
    if (user.passwordHashing) await user.passwordHashing;
    user.passwordHash = await hashPassword(value, ctx.hashing);
    user.requiredActions = user.requiredActions.filter((a) => a !== 'UPDATE_PASSWORD');
    if (request.body?.temporary) user.requiredActions.push('UPDATE_PASSWORD');
    return reply.code(204).send();
  });

  app.post<{ Params: { realm: string; id: string } }>(`${base}/:id/logout`, async (request, reply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm || !(await authorizeAdmin(ctx, request, reply, realm, 'manage-users'))) return reply;
    const user = realm.users.get(request.params.id);
    if (!user) return reply.code(404).send({ error: 'User not found' });
    for (const s of ctx.sessions.sessionsOfUser(realm.name, user.id)) await logoutSession(ctx, realm, s);
    return reply.code(204).send();
  });
}

function searchUsers(realm: Realm, q: UsersQuery): User[] {
  const exact = q.exact === 'true';
  const match = (value: string | undefined, wanted: string | undefined) =>
    wanted === undefined ||
    (value !== undefined &&
      (exact
        ? value.toLowerCase() === wanted.toLowerCase()
        : value.toLowerCase().includes(wanted.toLowerCase())));
  const attrs = (q.q ?? '')
    .split(' ')
    .filter(Boolean)
    .map((pair) => pair.split(':') as [string, string | undefined]);
  return [...realm.users.values()]
    .filter((u) => !u.serviceAccountClientId)
    .filter(
      (u) =>
        match(u.username, q.username) &&
        match(u.email, q.email) &&
        match(u.firstName, q.firstName) &&
        match(u.lastName, q.lastName),
    )
    .filter(
      (u) =>
        q.search === undefined ||
        q.search === '*' ||
        [u.username, u.email, u.firstName, u.lastName].some((v) => match(v, q.search)),
    )
    .filter((u) => q.enabled === undefined || String(u.enabled) === q.enabled)
    .filter((u) => attrs.every(([k, v]) => (u.attributes[k] ?? []).includes(v ?? '')))
    .sort((a, b) => a.username.localeCompare(b.username));
}

/** Attributes are `{ name: string[] }`; anything else is dropped. */
function sanitizeAttributes(input: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (typeof input !== 'object' || input === null) return out;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'string') out[k] = [v];
  }
  return out;
}
