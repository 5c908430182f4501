import { randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoginFailed, LoginStateInvalid } from '../errors.ts';
import { constantTimeEqual } from '../security/csrf.ts';
import { perMinute } from '../security/rate-limits.ts';
import type { SessionContext } from '../session/session-context.ts';
import type { PendingLogin, Session } from '../session/types.ts';
import { mergeAnonymousCart } from './cart-merge.ts';
import { OAuthRefused, type OidcClient } from '../idp/oidc-client.ts';
import { safeReturnTo } from './return-to.ts';
import { userFromTokens } from '../idp/user-profile.ts';
import { countLoginFailure, countLoginSuccess } from './login-metrics.ts';
import { forgetLoginTrace, rememberLoginTrace, type LoginTraceCookie } from './login-trace.ts';

export interface LoginRoutesOptions {
  oidc: OidcClient;
  sessions: SessionContext;
  publicUrl: URL;
  shopApiUrl: string;
  loginPerMinute: number;
  now: () => number;
}

/** A login must finish within this time; older pending logins are dropped. */
const PENDING_LOGIN_MS = 10 * 60_000;
/** Several tabs may start a login at once; each keeps its own state/nonce/verifier. */
const MAX_PENDING_LOGINS = 5;

const LoginQuery = Type.Object(
  { returnTo: Type.Optional(Type.String({ maxLength: 4096 })) },
  { additionalProperties: false },
);
const CallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    session_state: Type.Optional(Type.String({ maxLength: 512 })),
    iss: Type.Optional(Type.String({ maxLength: 2048 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
    error_description: Type.Optional(Type.String({ maxLength: 2048 })),
    error_uri: Type.Optional(Type.String({ maxLength: 2048 })),
    // Keycloak adds these after a required action (update password, verify e-mail…).
    kc_action: Type.Optional(Type.String({ maxLength: 128 })),
    kc_action_status: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/**
 * GET /bff/login (anyone, rate limited per IP): starts Authorization Code + PKCE (S256) as a
 * confidential client; state, nonce and the code verifier are bound to the (pre-login) session.
 * GET /bff/callback (the idp's redirect): checks them, exchanges the code, rotates the session id
 * (no fixation), merges the anonymous cart and redirects to the same-origin returnTo.
 */
export async function loginRoutes(app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { oidc, sessions, now } = options;
  const origin = options.publicUrl.origin;
  const loginTrace: LoginTraceCookie = {
    secure: sessions.cookie.secure,
    idpPath: new URL(oidc.issuer).pathname.replace(/\/*$/, '/'),
    maxAgeSeconds: PENDING_LOGIN_MS / 1000,
  };

  /**
   * Takes the pending login matching `state` out of the session and stores that it is gone before
   * anything else happens: the state is single use. Saving is optimistic, so when it loses a race
   * the session is re-read: an unrelated write (a cart id) leaves the login there to take again,
   * while a second callback with the same state (a double submit, a replayed URL) finds it gone
   * and is refused before it can spend the code a second time, which the idp would answer by
   * revoking the tokens of the first exchange. A session that does not hold the state is read
   * again before the refusal: this replica may have cached it (SESSION_CACHE_MS) before another
   * replica stored the login, which is the normal case for a returning visitor behind a balancer.
   */
  async function consumePending(request: FastifyRequest, state: string | undefined) {
    let session = await sessions.current(request);
    let reread = false;
    for (let attempt = 0; attempt < 3 && session; attempt += 1) {
      const pending = takePending(session, state, now());
      if (pending && (await sessions.store.save(session))) return { session, pending };
      if (!pending && reread) break;
      reread = true;
      session = await sessions.store.reload(session);
    }
    throw new LoginStateInvalid('No login in progress matches this response; start again from the shop');
  }

  app.get(
    '/bff/login',
    {
      schema: { querystring: LoginQuery },
      config: { rateLimit: perMinute(options.loginPerMinute, (request) => `login:${request.ip}`) },
    },
    async (request, reply) => {
      const { returnTo } = request.query as { returnTo?: string };
      const target = safeReturnTo(returnTo, origin);
      await oidc.discover(); // 503 + Retry-After before any state is written when the idp is down
      const pending: PendingLogin = {
        state: randomState(),
        nonce: randomNonce(),
        codeVerifier: randomPKCECodeVerifier(),
        returnTo: target,
        createdAt: now(),
      };
      let session = await sessions.ensure(request, reply);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const live = (session.secrets.pendingLogins ?? []).filter(
          (login) => now() - login.createdAt < PENDING_LOGIN_MS,
        );
        session.secrets.pendingLogins = [...live, pending].slice(-MAX_PENDING_LOGINS);
        if (await sessions.store.save(session)) break;
        session = (await sessions.store.reload(session)) ?? (await sessions.ensure(request, reply));
      }
      const url = await oidc.authorizationUrl(pending);
      rememberLoginTrace(reply, loginTrace);
      return reply.header('cache-control', 'no-store').redirect(url.href, 302);
    },
  );

  app.get('/bff/callback', { schema: { querystring: CallbackQuery } }, async (request, reply) => {
    try {
      const done = await finishLogin(request, reply);
      countLoginSuccess();
      return done;
    } catch (error) {
      countLoginFailure(error);
      throw error;
    }
  });

  async function finishLogin(request: FastifyRequest, reply: FastifyReply) {
    const query = request.query as { code?: string; state?: string; error?: string };
    const { session, pending } = await consumePending(request, query.state);

    if (query.error !== undefined) {
      const code = /^[a-z_]{1,64}$/.test(query.error) ? query.error : 'invalid_error';
      throw new LoginFailed(`The identity provider answered ${code}`);
    }
    let tokens;
    try {
      tokens = await oidc.exchangeCode(new URL(request.url, origin), pending);
    } catch (error) {
      if (error instanceof OAuthRefused) {
        request.log.warn({ reason: error.oauthError }, 'login callback refused');
        throw new LoginFailed('The login response could not be verified; start again from the shop');
      }
      throw error;
    }
    const claims = tokens.idTokenClaims ?? {};
    const user = userFromTokens(tokens.idTokenClaims, tokens.accessToken);
    const cartId = session.data.cartId;
    const signedIn = await sessions.rotate(request, reply, {
      secrets: {
        user,
        tokens: {
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          accessTokenExpiresAt: now() + tokens.expiresIn * 1000,
        },
      },
      sid: typeof claims.sid === 'string' ? claims.sid : undefined,
      sub: typeof claims.sub === 'string' ? claims.sub : undefined,
    });
    request.log.info({ session: signedIn.idHash.slice(0, 8), user: user.id }, 'signed in');
    if (cartId)
      await mergeAnonymousCart({
        shopApiUrl: options.shopApiUrl,
        accessToken: tokens.accessToken,
        cartId,
        logger: request.log,
      });
    forgetLoginTrace(reply, loginTrace);
    return reply.header('cache-control', 'no-store').redirect(pending.returnTo, 302);
  }
}

function takePending(
  session: Session | undefined,
  state: string | undefined,
  at: number,
): PendingLogin | undefined {
  if (!session || !state) return undefined;
  const logins = session.secrets.pendingLogins ?? [];
  const match = logins.find((login) => constantTimeEqual(login.state, state));
  if (!match) return undefined;
  session.secrets.pendingLogins = logins.filter((login) => login !== match);
  return at - match.createdAt < PENDING_LOGIN_MS ? match : undefined;
}
