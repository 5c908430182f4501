import type { FastifyBaseLogger } from 'fastify';
import { OAuthRefused, type OidcClient } from '../login/oidc-client.ts';
import { userFromTokens } from '../login/user-profile.ts';
import type { SessionStore } from './session-store.ts';
import { isAuthenticated, type Session } from './types.ts';

export interface TokenRefresherOptions {
  store: SessionStore;
  oidc: Pick<OidcClient, 'refresh'>;
  refreshAheadMs: number;
  now?: () => number;
  logger: FastifyBaseLogger;
}

/**
 * Keeps a session's access token fresh. Two layers stop a refresh stampede:
 * - in-process single flight: concurrent requests of one session share one refresh;
 * - across replicas, an optimistic version check: the loser of a race discards its result (or its
 *   refusal, if the idp rotated the refresh token) and adopts the winner's tokens from the database.
 * A refused refresh (invalid_grant: idp session ended, token revoked) ends the gateway session.
 * An unreachable idp does not: the current token is used while still valid, else the request
 * fails with 503 and the session survives for a retry.
 */
export function createTokenRefresher(options: TokenRefresherOptions) {
  const { store, oidc, refreshAheadMs, logger } = options;
  const now = options.now ?? Date.now;
  const inflight = new Map<string, Promise<Session | undefined>>();

  const due = (session: Session) =>
    (session.secrets.tokens?.accessTokenExpiresAt ?? 0) - refreshAheadMs <= now();
  const expired = (session: Session) => (session.secrets.tokens?.accessTokenExpiresAt ?? 0) <= now();

  async function refresh(session: Session): Promise<Session | undefined> {
    const latest = await store.reload(session);
    if (!latest || !isAuthenticated(latest)) return undefined;
    if (!due(latest)) return latest; // another replica refreshed in the meantime
    const { tokens } = latest.secrets;
    if (!tokens.refreshToken) return expired(latest) ? end(latest, 'no refresh token') : latest;

    let fresh;
    try {
      fresh = await oidc.refresh(tokens.refreshToken);
    } catch (error) {
      if (!(error instanceof OAuthRefused)) {
        if (!expired(latest)) return latest;
        throw error;
      }
      const again = await store.reload(latest);
      if (again && again.version !== latest.version && isAuthenticated(again) && !due(again)) return again;
      return end(latest, error.oauthError);
    }

    latest.secrets = {
      ...latest.secrets,
      tokens: {
        accessToken: fresh.accessToken,
        refreshToken: fresh.refreshToken ?? tokens.refreshToken,
        idToken: fresh.idToken ?? tokens.idToken,
        accessTokenExpiresAt: now() + fresh.expiresIn * 1000,
      },
      user: userFromTokens(fresh.idTokenClaims, fresh.accessToken, latest.secrets.user),
    };
    if (await store.save(latest)) {
      logger.debug({ session: latest.idHash.slice(0, 8) }, 'access token refreshed');
      return latest;
    }
    // Lost the race to another replica: its tokens are as good as ours and already stored.
    return store.reload(latest);
  }

  async function end(session: Session, reason: string): Promise<undefined> {
    await store.destroy(session.idHash);
    logger.info({ session: session.idHash.slice(0, 8), reason }, 'session ended: token refresh refused');
    return undefined;
  }

  return {
    /** The session with a usable access token, or undefined when the session had to end. */
    async ensureFresh(session: Session): Promise<Session | undefined> {
      if (!due(session)) return session;
      let pending = inflight.get(session.idHash);
      if (!pending) {
        pending = refresh(session).finally(() => inflight.delete(session.idHash));
        inflight.set(session.idHash, pending);
      }
      return pending;
    },
  };
}

export type TokenRefresher = ReturnType<typeof createTokenRefresher>;
