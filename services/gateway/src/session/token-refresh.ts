import type { FastifyBaseLogger } from 'fastify';
import { idpUnavailable } from '../errors.ts';
import { OAuthRefused, type OidcClient, type TokenSet } from '../idp/oidc-client.ts';
import { userFromTokens } from '../idp/user-profile.ts';
import type { SessionStore } from './session-store.ts';
import { isAuthenticated, type Session } from './types.ts';

export interface TokenRefresherOptions {
  store: SessionStore;
  oidc: Pick<OidcClient, 'refresh' | 'isRefreshTokenActive'>;
  refreshAheadMs: number;
  now?: () => number;
  logger: FastifyBaseLogger;
  /** How long one replica may hold a session's refresh; longer than the idp call's timeout. */
  leaseMs?: number;
  /** How often a waiting replica looks for the refreshing replica's result. */
  pollMs?: number;
}

/**
 * Keeps a session's access token fresh, with one refresh per session at a time:
 * - in-process single flight: concurrent requests of one session share one refresh;
 * - across replicas, a lease in the session row: one replica refreshes. The others go on with the
 *   current access token while it is valid (a refresh starts ahead of expiry, so waiting would only
 *   add latency) and pick up the stored new tokens on a later request; with an expired token they
 *   poll the row (bounded) until the new tokens are there. Needed because the idp rotates refresh
 *   tokens and refuses a reused one (revokeRefreshToken), so a second concurrent refresh would fail.
 * - a lease left behind by a replica that stopped mid-refresh is taken over once it runs out; the
 *   refresh token is sent again only if the idp says it is still unspent (introspection), since the
 *   stopped replica may have spent it and a reuse would be refused.
 * A refused refresh (invalid_grant: idp session ended, token revoked) ends the gateway session.
 * An unreachable idp does not: the current token is used while still valid, else 503.
 */
export function createTokenRefresher(options: TokenRefresherOptions) {
  const { store, oidc, refreshAheadMs, logger } = options;
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 10_000;
  const pollMs = options.pollMs ?? 50;
  const inflight = new Map<string, Promise<Session | undefined>>();

  const due = (session: Session) =>
    (session.secrets.tokens?.accessTokenExpiresAt ?? 0) - refreshAheadMs <= now();
  const expired = (session: Session) => (session.secrets.tokens?.accessTokenExpiresAt ?? 0) <= now();

  async function refresh(session: Session): Promise<Session | undefined> {
    // The holder of a lease stores or gives up within the lease; a little slack for the clocks.
    const deadline = performance.now() + leaseMs + 1000;
    for (let current = session; ;) {
      const latest = await store.reload(current);
      if (!latest || !isAuthenticated(latest)) return undefined;
      if (!due(latest)) return latest; // another replica refreshed in the meantime
      const used = latest.secrets.tokens.refreshToken;
      if (!used) return expired(latest) ? end(latest, 'no refresh token') : latest;
      const claim = await store.claimRefresh(latest, leaseMs);
      if (claim !== 'busy') return refreshAsHolder(latest, used, claim === 'taken-over');
      if (!expired(latest)) return latest; // another replica is refreshing; this token still works
      if (performance.now() >= deadline)
        throw idpUnavailable('The session is being refreshed by another gateway replica; try again shortly.');
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      current = latest;
    }
  }

  async function refreshAsHolder(
    session: Session & { secrets: { tokens: object } },
    used: string,
    takenOver: boolean,
  ): Promise<Session | undefined> {
    let fresh: TokenSet;
    try {
      if (takenOver && !(await oidc.isRefreshTokenActive(used))) {
        // The stopped replica spent it (or the idp session ended): sending it again would only be
        // refused. The lease stays taken so no replica tries; the access token serves while valid.
        logger.warn({ session: session.idHash.slice(0, 8) }, 'refresh token spent by a replica that stopped');
        return expired(session) ? end(session, 'refresh token spent by a stopped replica') : session;
      }
      fresh = await oidc.refresh(used);
    } catch (error) {
      if (error instanceof OAuthRefused) return end(session, error.oauthError);
      await store.releaseRefresh(session);
      if (!expired(session)) return session;
      throw error;
    }
    try {
      return await storeFresh(session, used, fresh);
    } finally {
      // Held until the new tokens are stored (save does not release it), so no other replica
      // claims the lease in between and spends the already-used refresh token.
      await store.releaseRefresh(session);
    }
  }

  /** Saves the new tokens; a concurrent unrelated write (cart id…) is merged, not lost. */
  async function storeFresh(session: Session, used: string, fresh: TokenSet): Promise<Session | undefined> {
    let target: Session | undefined = session;
    for (let attempt = 0; attempt < 3 && target; attempt += 1) {
      if (target.secrets.tokens?.refreshToken !== used) return target; // someone else stored newer tokens
      const previous = target.secrets;
      target.secrets = {
        ...previous,
        tokens: {
          accessToken: fresh.accessToken,
          refreshToken: fresh.refreshToken ?? used,
          accessTokenExpiresAt: now() + fresh.expiresIn * 1000,
        },
        user: userFromTokens(fresh.idTokenClaims, fresh.accessToken, previous.user),
      };
      if (await store.save(target)) {
        logger.debug({ session: target.idHash.slice(0, 8) }, 'access token refreshed');
        return target;
      }
      target = await store.reload(target);
    }
    return target;
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
