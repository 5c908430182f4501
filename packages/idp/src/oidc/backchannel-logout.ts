import type { IdpContext } from '../context.ts';
import { uuid } from '../lib/ids.ts';
import type { Client, Realm } from '../realm/model.ts';
import type { UserSession } from '../sessions/session-store.ts';
import { issuerOf } from '../context.ts';
import { signRs256 } from '../tokens/issue-tokens.ts';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Ends a user session and POSTs an OIDC Back-Channel Logout token (`logout_token=<JWT>`, header
 * `typ: logout+jwt`) to every client of the session that registered `backchannel.logout.url`.
 * Claims as Keycloak's LogoutToken: iss, aud (client), iat, exp, jti, sub, sid (when
 * `backchannel.logout.session.required` is not "false"), events (with `revoke_offline_access`
 * when `backchannel.logout.revoke.offline.tokens`), typ "Logout"; never a nonce.
 * Delivery is awaited with a timeout so callers (and tests) know it happened; failures are logged.
 */
export async function logoutSession(ctx: IdpContext, realm: Realm, session: UserSession): Promise<void> {
  ctx.sessions.removeSession(session.id);
  const deliveries: Promise<void>[] = [];
  for (const clientSession of session.clients.values()) {
    const client = realm.clientsById.get(clientSession.clientUuid);
    const url = client?.attributes['backchannel.logout.url'];
    if (!client || !url) continue;
    deliveries.push(deliver(ctx, realm, session, client, url));
  }
  await Promise.all(deliveries);
}

async function deliver(
  ctx: IdpContext,
  realm: Realm,
  session: UserSession,
  client: Client,
  url: string,
): Promise<void> {
  const withSid = client.attributes['backchannel.logout.session.required'] !== 'false';
  // Keycloak 26.7 tells the client, inside `events`, that its offline tokens are revoked too.
  const revokesOffline = client.attributes['backchannel.logout.revoke.offline.tokens'] === 'true';
  const iat = Math.floor(ctx.now() / 1000);
  const token = await signRs256(
    ctx,
    realm.name,
    {
      iat,
      exp: iat + realm.settings.accessCodeLifespan,
      jti: uuid(),
      iss: issuerOf(ctx, realm.name),
      aud: client.clientId,
      sub: session.userId,
      typ: 'Logout',
      ...(withSid ? { sid: session.id } : {}),
      events: { [EVENT]: {}, ...(revokesOffline ? { revoke_offline_access: true } : {}) },
    },
    'logout+jwt',
  );
  try {
    const response = await ctx.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }).toString(),
      signal: AbortSignal.timeout(5000),
      redirect: 'manual',
    });
    if (!response.ok)
      ctx.logger.warn(
        { realm: realm.name, client: client.clientId, status: response.status },
        'back-channel logout refused by client',
      );
    await response.body?.cancel();
  } catch (err) {
    ctx.logger.warn(
      { realm: realm.name, client: client.clientId, err: (err as Error).message },
      'back-channel logout delivery failed',
    );
  }
}
