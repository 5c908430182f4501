import type { IdpContext } from '../../context.ts';
import { invalidUserCredentials, OAuthError } from '../../errors.ts';
import {
  findUserByEmail,
  findUserByUsername,
  type Client,
  type Realm,
  type User,
} from '../../realm/model.ts';
import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../../password/scrypt.ts';
import type { FormBody } from '../realm-lookup.ts';
import { issueSessionTokens } from './session-tokens.ts';

/**
 * Checks a username (or e-mail) and password like Keycloak's ValidateUsername/ValidatePassword:
 * unknown user, wrong password and a brute-force lockout all give the same answer, and the
 * password is hashed even for an unknown user so timing does not reveal which usernames exist.
 */
export async function checkUserCredentials(
  ctx: IdpContext,
  realm: Realm,
  username: string,
  password: string,
): Promise<User | undefined> {
  const user =
    findUserByUsername(realm, username) ??
    (realm.settings.loginWithEmailAllowed ? findUserByEmail(realm, username) : undefined);
  if (user?.passwordHashing) await user.passwordHashing;
  const stored = user?.passwordHash ?? (await dummyHash(ctx));
  const ok = await verifyPassword(password, stored);
  if (!user || user.serviceAccountClientId || !user.passwordHash) return undefined;
  const bf = realm.settings.bruteForce;
  if (ctx.bruteForce.isLocked(bf, realm.name, user.id)) return undefined;
  if (!ok) {
    ctx.bruteForce.failure(bf, realm.name, user.id);
    return undefined;
  }
  ctx.bruteForce.success(realm.name, user.id);
  return user;
}

const dummies = new WeakMap<object, Promise<string>>();

/** The dummy hash an earlier start made (hash-cache.ts), to be used instead of making one. */
export function primeDummyHash(ctx: IdpContext, hash: string): void {
  if (!dummies.has(ctx.hashing)) dummies.set(ctx.hashing, Promise.resolve(hash));
}

/** A hash computed once per idp (same cost parameters) so unknown users cost the same as known ones. */
export function dummyHash(ctx: IdpContext): Promise<string> {
  let hash = dummies.get(ctx.hashing);
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('hex'), ctx.hashing);
    dummies.set(ctx.hashing, hash);
  }
  return hash;
}

/** `grant_type=password`, only for clients with directAccessGrantsEnabled. */
export async function passwordGrant(
  ctx: IdpContext,
  realm: Realm,
  client: Client,
  form: FormBody,
  clientIp: string,
): Promise<Record<string, unknown>> {
  if (!client.directAccessGrantsEnabled)
    throw new OAuthError(400, 'unauthorized_client', 'Client not allowed for direct access grants');
  if (client.consentRequired) throw new OAuthError(400, 'invalid_client', 'Client requires user consent');
  if (!form.username) throw new OAuthError(401, 'invalid_request', 'Missing parameter: username');
  const user = await checkUserCredentials(ctx, realm, form.username, form.password ?? '');
  if (!user) throw invalidUserCredentials(ctx.compat);
  if (!user.enabled) throw new OAuthError(400, 'invalid_grant', 'Account disabled');
  if (user.requiredActions.length > 0)
    throw new OAuthError(400, 'invalid_grant', 'Account is not fully set up');
  // No AUTH_TIME note: Keycloak 26.7's password-grant tokens carry no auth_time.
  const session = ctx.sessions.createSession(realm.name, user.id, { clientIp });
  try {
    return await issueSessionTokens(ctx, {
      realm,
      client,
      user,
      session,
      scopeParam: form.scope,
      grant: 'password',
      acr: '1',
    });
  } catch (err) {
    ctx.sessions.removeSession(session.id);
    throw err;
  }
}
