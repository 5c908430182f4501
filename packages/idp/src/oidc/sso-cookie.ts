import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { IdpContext } from '../context.ts';
import type { Realm } from '../realm/model.ts';
import type { UserSession } from '../sessions/session-store.ts';
import { signHs512 } from '../tokens/issue-tokens.ts';
import { clearRealmCookie, readCookie, setRealmCookie } from './cookies.ts';

/**
 * The SSO cookies, as Keycloak names them: KEYCLOAK_IDENTITY (HttpOnly, an HS512-signed token
 * naming the session — unforgeable) and KEYCLOAK_SESSION (readable by the login-status iframe:
 * `realm/userId/sessionId`).
 */
export async function setSsoCookies(
  ctx: IdpContext,
  reply: FastifyReply,
  realm: Realm,
  session: UserSession,
): Promise<void> {
  const iat = Math.floor(ctx.now() / 1000);
  const identity = await signHs512(ctx, realm.name, {
    exp: iat + realm.settings.ssoSessionMaxLifespan,
    iat,
    iss: `${realm.name}`,
    sub: session.userId,
    typ: 'Serialized-ID',
    sid: session.id,
  });
  setRealmCookie(ctx, reply, realm.name, 'KEYCLOAK_IDENTITY', identity, { httpOnly: true });
  setRealmCookie(
    ctx,
    reply,
    realm.name,
    'KEYCLOAK_SESSION',
    `${realm.name}/${session.userId}/${session.id}`,
    { httpOnly: false },
  );
}

export function clearSsoCookies(ctx: IdpContext, reply: FastifyReply, realm: Realm): void {
  clearRealmCookie(ctx, reply, realm.name, 'KEYCLOAK_IDENTITY');
  clearRealmCookie(ctx, reply, realm.name, 'KEYCLOAK_SESSION');
}

/** The browser's active SSO session, if its identity cookie is valid and the session is alive. */
export async function ssoSession(
  ctx: IdpContext,
  request: FastifyRequest,
  realm: Realm,
): Promise<UserSession | undefined> {
  const cookie = readCookie(request, 'KEYCLOAK_IDENTITY');
  if (!cookie) return undefined;
  // The identity token's iss is the realm name, not the issuer URL, so verify by hand below.
  const payload = await verifyIdentity(ctx, realm, cookie);
  const session = ctx.sessions.activeSession(payload?.sid, realm.settings);
  if (!session || session.realm !== realm.name || session.userId !== payload?.sub) return undefined;
  const user = realm.users.get(session.userId);
  return user?.enabled ? session : undefined;
}

async function verifyIdentity(
  ctx: IdpContext,
  realm: Realm,
  token: string,
): Promise<{ sid?: string; sub?: string } | undefined> {
  try {
    const key = ctx.keys.hmacVerificationKey(realm.name, decodeProtectedHeader(token).kid);
    if (!key) return undefined;
    const { payload } = await jwtVerify(token, key, {
      issuer: realm.name,
      algorithms: ['HS512'],
      currentDate: new Date(ctx.now()),
    });
    return payload.typ === 'Serialized-ID' ? { sid: payload.sid as string, sub: payload.sub } : undefined;
  } catch {
    return undefined;
  }
}
