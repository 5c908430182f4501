import { countLogin } from '../login-metrics.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { issuerOf, type IdpContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { randomToken, safeEqual } from '../lib/ids.ts';
import type { Realm } from '../realm/model.ts';
import { errorPage, formPostPage, loginPage } from '../pages/login-page.ts';
import type { AuthRequest, AuthSession, UserSession } from '../sessions/session-store.ts';
import { checkUserCredentials } from './grants/password.ts';
import { AuthorizePageError, AuthorizeRedirectError, parseAuthorizeRequest } from './authorize-request.ts';
import { clearRealmCookie, readCookie, setRealmCookie } from './cookies.ts';
import { findRealm, formOf, repeatedParameters } from './realm-lookup.ts';
import { withParams } from './redirect-uris.ts';
import { setSsoCookies, ssoSession } from './sso-cookie.ts';

// Keycloak's login page headers. No `form-action`: browsers apply it to the redirect that follows
// the form post, which would block every client on another origin than the idp.
const LOGIN_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store, must-revalidate, max-age=0',
  'x-frame-options': 'SAMEORIGIN',
  'content-security-policy': "frame-src 'self'; frame-ancestors 'self'; object-src 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * GET|POST {realm}/protocol/openid-connect/auth — public (browsers). Valid SSO cookie → code at
 * once (acr "0"); otherwise the login page. POST {realm}/login-actions/authenticate — the login
 * form; only accepted with the AUTH_SESSION_ID cookie of the login it belongs to and its current
 * one-time form token, so a cross-site form post cannot log a victim in (login CSRF).
 */
export function authorizeRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const handler = async (request: FastifyRequest<{ Params: { realm: string } }>, reply: FastifyReply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm) return reply;
    const raw = request.method === 'POST' ? request.body : request.query;
    const params = formOf(raw);
    try {
      const { request: authRequest } = parseAuthorizeRequest(realm, params, repeatedParameters(raw));
      const existing = authRequest.prompt === 'login' ? undefined : await ssoSession(ctx, request, realm);
      if (existing) return await completeLogin(ctx, reply, realm, authRequest, existing, true);
      if (authRequest.prompt === 'none') {
        throw new AuthorizeRedirectError(
          authRequest,
          new OAuthError(400, 'login_required', 'Login required'),
        );
      }
      const auth = ctx.sessions.createAuthSession(realm.name, authRequest);
      setRealmCookie(ctx, reply, realm.name, 'AUTH_SESSION_ID', auth.id, { httpOnly: true });
      return reply
        .headers(LOGIN_HEADERS)
        .send(loginPage({ realmName: realm.name, action: loginAction(ctx, realm, auth) }));
    } catch (err) {
      return handleAuthorizeError(ctx, reply, realm, err);
    }
  };
  app.get('/realms/:realm/protocol/openid-connect/auth', handler);
  app.post('/realms/:realm/protocol/openid-connect/auth', handler);

  app.post<{ Params: { realm: string }; Querystring: Record<string, string> }>(
    '/realms/:realm/login-actions/authenticate',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      const auth = currentAuthSession(ctx, request, realm);
      if (!auth) {
        countLogin('failure', 'timed_out');
        return reply
          .code(400)
          .headers(LOGIN_HEADERS)
          .send(errorPage('Your login attempt timed out. Login will start from the beginning.'));
      }
      const form = formOf(request.body);
      const username = form.username?.trim() ?? '';
      const user = username
        ? await checkUserCredentials(ctx, realm, username, form.password ?? '')
        : undefined;
      let error: string | undefined;
      if (!user) error = 'Invalid username or password.';
      else if (!user.enabled) error = 'Account is disabled, contact your administrator.';
      else if (user.requiredActions.length > 0) error = 'Account is not fully set up.';
      if (error || !user) {
        countLogin(
          'failure',
          !user ? 'invalid_credentials' : !user.enabled ? 'disabled' : 'required_actions',
        );
        auth.formToken = randomToken();
        return reply
          .headers(LOGIN_HEADERS)
          .send(loginPage({ realmName: realm.name, action: loginAction(ctx, realm, auth), username, error }));
      }
      countLogin('success', 'none');
      ctx.sessions.authSessions.delete(auth.id);
      clearRealmCookie(ctx, reply, realm.name, 'AUTH_SESSION_ID');
      const session = ctx.sessions.createSession(realm.name, user.id, {
        AUTH_TIME: String(Math.floor(ctx.now() / 1000)),
        clientIp: request.ip,
      });
      await setSsoCookies(ctx, reply, realm, session);
      return completeLogin(ctx, reply, realm, auth.request, session, false);
    },
  );
}

function loginAction(ctx: IdpContext, realm: Realm, auth: AuthSession): string {
  const qs = new URLSearchParams({
    session_code: auth.formToken,
    client_id: auth.request.clientId,
    tab_id: auth.id,
  });
  return `${ctx.relativePath}/realms/${encodeURIComponent(realm.name)}/login-actions/authenticate?${qs}`;
}

function currentAuthSession(
  ctx: IdpContext,
  request: FastifyRequest<{ Querystring: Record<string, string> }>,
  realm: Realm,
): AuthSession | undefined {
  const cookie = readCookie(request, 'AUTH_SESSION_ID');
  const { tab_id: tabId, session_code: code } = request.query;
  if (!cookie || !tabId || !code || cookie !== tabId) return undefined;
  const auth = ctx.sessions.authSessions.get(tabId);
  if (!auth || auth.realm !== realm.name || !safeEqual(code, auth.formToken)) return undefined;
  if (ctx.now() >= auth.created + realm.settings.accessCodeLifespanLogin * 1000) {
    ctx.sessions.authSessions.delete(auth.id);
    return undefined;
  }
  return auth;
}

async function completeLogin(
  ctx: IdpContext,
  reply: FastifyReply,
  realm: Realm,
  req: AuthRequest,
  session: UserSession,
  ssoReuse: boolean,
) {
  const client = realm.clients.get(req.clientId);
  if (!client) return reply.code(400).headers(LOGIN_HEADERS).send(errorPage('Client not found.'));
  if (ssoReuse) session.notes.SSO_REUSE = 'true';
  else delete session.notes.SSO_REUSE;
  const code = ctx.sessions.issueCode({
    realm: realm.name,
    sessionId: session.id,
    clientUuid: client.id,
    redirectUri: req.redirectUri,
    scope: req.scope,
    nonce: req.nonce,
    codeChallenge: req.codeChallenge,
    codeChallengeMethod: req.codeChallengeMethod,
    expiresAt: ctx.now() + realm.settings.accessCodeLifespan * 1000,
  });
  return respond(reply, req, {
    state: req.state,
    session_state: session.id,
    iss: issuerOf(ctx, realm.name),
    code,
  });
}

function respond(reply: FastifyReply, req: AuthRequest, params: Record<string, string | undefined>) {
  if (req.responseMode === 'form_post') {
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(formPostPage(req.redirectUri, params));
  }
  return reply
    .header('cache-control', 'no-store')
    .redirect(withParams(req.redirectUri, params, req.responseMode), 302);
}

function handleAuthorizeError(ctx: IdpContext, reply: FastifyReply, realm: Realm, err: unknown) {
  if (err instanceof AuthorizePageError)
    return reply.code(400).headers(LOGIN_HEADERS).send(errorPage(err.message));
  if (err instanceof AuthorizeRedirectError) {
    return respond(reply, err.request, {
      error: err.error.error,
      error_description: err.error.description,
      state: err.request.state,
      iss: issuerOf(ctx, realm.name),
    });
  }
  throw err;
}
