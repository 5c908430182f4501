import type { JWTPayload } from 'jose';
import type { IdpContext } from '../context.ts';
import type { Client, Realm, User } from '../realm/model.ts';
import type { UserSession } from '../sessions/session-store.ts';
import { verifyRealmToken } from '../tokens/verify-token.ts';

export interface ActiveToken {
  payload: JWTPayload;
  client: Client;
  user: User;
  session?: UserSession;
  transient: boolean;
}

/**
 * Whether an access token is still active, as Keycloak judges it for introspection and UserInfo:
 * valid signature and expiry, not revoked, and — unless its session was transient — the user
 * session alive and still holding the client's session (logout and code reuse end it).
 */
export async function activeAccessToken(
  ctx: IdpContext,
  realm: Realm,
  token: string,
): Promise<ActiveToken | undefined> {
  const payload = await verifyRealmToken(ctx, realm.name, token, 'rsa');
  if (!payload || payload.typ !== 'Bearer' || typeof payload.jti !== 'string') return undefined;
  if (ctx.sessions.revokedJti.has(payload.jti)) return undefined;
  const client = realm.clients.get(String(payload.azp));
  if (!client || !client.enabled) return undefined;
  const transient = payload.jti.startsWith('tr');
  let session: UserSession | undefined;
  let userId = payload.sub;
  if (!transient) {
    session = ctx.sessions.activeSession(
      payload.sid as string | undefined,
      realm.settings,
      payload.jti.startsWith('of'),
    );
    if (!session || !session.clients.has(client.id)) return undefined;
    userId = session.userId;
  }
  const user = userId ? realm.users.get(userId) : undefined;
  if (!user || !user.enabled) return undefined;
  return { payload, client, user, session, transient };
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
