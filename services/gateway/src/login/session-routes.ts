import type { FastifyInstance } from 'fastify';
import { AppError } from '@mockmart/service-kit';
import { assertCsrfToken, assertSameOrigin } from '../security/csrf.ts';
import type { SessionContext } from '../session/session-context.ts';
import type { TokenRefresher } from '../session/token-refresh.ts';
import { isAuthenticated } from '../session/types.ts';
import { idpLogout } from '../idp/idp-logout.ts';
import type { OidcClient } from '../idp/oidc-client.ts';

export interface SessionRoutesOptions {
  oidc: OidcClient;
  sessions: SessionContext;
  refresher: TokenRefresher;
  publicUrl: URL;
}

/**
 * GET /bff/user (anyone): who is signed in, plus the CSRF token for state-changing calls. Never a
 * token. The access token is refreshed here when due, so a dead idp session shows as signed out.
 * POST /bff/logout (the session; same-origin + X-CSRF-Token): ends the gateway session, then the
 * idp session and answers `{ logoutUrl }` for the browser to follow: `/` when the server ended the
 * idp session (refresh-token logout), else the idp's RP-initiated logout URL (idp-logout.ts), which
 * brings the browser back to GET /bff/logged-out. No ID token ever reaches the browser.
 * GET /bff/logged-out (anyone; the realm's post-logout redirect URI): 303 to the shop home, with
 * `?signedOut=1` for the UI's notice unless a session is still signed in here. It ends nothing: a
 * GET that signed people out could be fired by any cross-site image.
 */
export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  const { sessions, refresher, oidc } = options;
  const origin = options.publicUrl.origin;

  app.get('/bff/user', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    let session = await sessions.current(request);
    if (isAuthenticated(session)) {
      try {
        session = await refresher.ensureFresh(session);
        if (!session) await sessions.end(request, reply);
      } catch (error) {
        // idp unreachable: the user is still signed in; API calls will say 503 until it is back.
        if (!(error instanceof AppError)) throw error;
      }
    }
    // A cookie naming no live session (expired, logged out elsewhere) is cleared, not resent forever.
    if (!session && request.cookies[sessions.cookie.name] !== undefined) await sessions.end(request, reply);
    if (!isAuthenticated(session)) return { authenticated: false };
    return { authenticated: true, user: session.secrets.user, csrfToken: session.data.csrfToken };
  });

  app.post('/bff/logout', async (request, reply) => {
    assertSameOrigin(request, origin);
    const session = await sessions.current(request);
    if (isAuthenticated(session)) assertCsrfToken(request, session.data.csrfToken);
    const ended = await sessions.end(request, reply);
    void reply.header('cache-control', 'no-store');
    if (!isAuthenticated(ended)) return { logoutUrl: '/' };
    request.log.info({ session: ended.idHash.slice(0, 8) }, 'signed out');
    const logoutUrl = await idpLogout({
      oidc,
      refreshToken: ended.secrets.tokens.refreshToken,
      postLogoutRedirectUri: `${origin}${LOGGED_OUT_PATH}`,
      logger: request.log,
    });
    return { logoutUrl };
  });

  app.get(LOGGED_OUT_PATH, async (request, reply) => {
    const session = await sessions.current(request);
    const home = isAuthenticated(session) ? '/' : '/?signedOut=1';
    return reply.header('cache-control', 'no-store').redirect(home, 303);
  });
}

/** Registered in the realm as the gateway client's post-logout redirect URI. */
const LOGGED_OUT_PATH = '/bff/logged-out';
