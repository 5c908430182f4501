import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { randomToken, safeEqual } from '../lib/ids.ts';
import { escapeHtml } from '../lib/html.ts';
import { errorPage, infoPage } from '../pages/login-page.ts';
import type { Client, Realm } from '../realm/model.ts';
import { verifyRealmToken } from '../tokens/verify-token.ts';
import { logoutSession } from './backchannel-logout.ts';
import { refreshTokenLogout } from './refresh-token-logout.ts';
import { readCookie, setRealmCookie } from './cookies.ts';
import { findRealm, formOf, type FormBody } from './realm-lookup.ts';
import { postLogoutRedirectUris, withParams } from './redirect-uris.ts';
import { clearSsoCookies, ssoSession } from './sso-cookie.ts';

const HTML = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'SAMEORIGIN',
  // No `form-action`: the confirm form redirects to the client's post_logout_redirect_uri.
  'content-security-policy': "frame-ancestors 'self'; object-src 'none'",
};

/**
 * GET|POST {realm}/protocol/openid-connect/logout — RP-initiated logout with Keycloak 26 rules
 * (Keycloak's `LogoutEndpoint`):
 * - valid `id_token_hint` (expired is fine): no confirmation, session ended, 302 to a registered
 *   `post_logout_redirect_uri` with `state`;
 * - `client_id` only: a confirmation page (200) whose form posts back with a session-bound token;
 * - a `post_logout_redirect_uri` without either: 400 "Missing parameters: id_token_hint";
 * - an unregistered `post_logout_redirect_uri`: 400 "Invalid redirect uri" — never a redirect
 *   to an unvalidated URI (no open redirect). The legacy `redirect_uri` parameter is ignored;
 * - POST with `refresh_token` from an authenticated client: ended without a browser, 204
 *   (refresh-token-logout.ts).
 */
export function logoutRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const handler = async (request: FastifyRequest<{ Params: { realm: string } }>, reply: FastifyReply) => {
    const realm = findRealm(ctx, request.params.realm, reply);
    if (!realm) return reply;
    const params = request.method === 'POST' ? formOf(request.body) : formOf(request.query);
    if (request.method === 'POST' && params.refresh_token)
      return refreshTokenLogout(ctx, realm, request, params, reply);
    const page = (status: number, body: string) => reply.code(status).headers(HTML).send(body);

    let client: Client | undefined;
    let sid: string | undefined;
    if (params.id_token_hint) {
      const hint = await verifyRealmToken(ctx, realm.name, params.id_token_hint, 'rsa', {
        ignoreExpiry: true,
      });
      if (!hint || hint.typ !== 'ID') return page(400, errorPage('Invalid parameter: id_token_hint'));
      client = realm.clients.get(String(hint.azp));
      if (params.client_id && params.client_id !== hint.azp)
        return page(400, errorPage('Parameter client_id different than the client from id_token_hint'));
      sid = hint.sid as string | undefined;
    } else if (params.client_id) {
      client = realm.clients.get(params.client_id);
      if (!client) return page(400, errorPage('Client not found.'));
    } else if (params.post_logout_redirect_uri) {
      return page(400, errorPage('Missing parameters: id_token_hint'));
    }
    const redirect = params.post_logout_redirect_uri;
    if (redirect && (!client || !postLogoutRedirectUris(client).includes(redirect)))
      return page(400, errorPage('Invalid redirect uri'));

    if (params.id_token_hint) {
      const session = sid ? ctx.sessions.sessions.get(sid) : undefined;
      if (session && session.realm === realm.name) await logoutSession(ctx, realm, session);
      clearSsoCookies(ctx, reply, realm);
      return finish(reply, realm, redirect, params.state, page);
    }
    // No id_token_hint: ask the user, binding the confirmation to this browser.
    const confirm = randomToken();
    setRealmCookie(ctx, reply, realm.name, 'KC_LOGOUT_CONFIRM', confirm, {
      httpOnly: true,
      maxAgeSeconds: 600,
    });
    const hidden = (name: string, value: string | undefined) =>
      value ? `<input type="hidden" name="${name}" value="${escapeHtml(value)}">` : '';
    const action = `${ctx.relativePath}/realms/${encodeURIComponent(realm.name)}/protocol/openid-connect/logout/logout-confirm`;
    return page(
      200,
      infoPage(
        'Logging out',
        'Do you want to log out?',
        `<form id="kc-logout-confirm" action="${escapeHtml(action)}" method="post">${hidden('session_code', confirm)}${hidden('client_id', client?.clientId)}${hidden('post_logout_redirect_uri', redirect)}${hidden('state', params.state)}<input id="kc-logout" name="confirmLogout" type="submit" value="Logout"></form>`,
      ),
    );
  };
  app.get('/realms/:realm/protocol/openid-connect/logout', handler);
  app.post('/realms/:realm/protocol/openid-connect/logout', handler);

  app.post<{ Params: { realm: string } }>(
    '/realms/:realm/protocol/openid-connect/logout/logout-confirm',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      const form: FormBody = formOf(request.body);
      const page = (status: number, body: string) => reply.code(status).headers(HTML).send(body);
      const cookie = readCookie(request, 'KC_LOGOUT_CONFIRM');
      if (!cookie || !form.session_code || !safeEqual(cookie, form.session_code))
        return page(400, errorPage('Logout failed: the request has expired.'));
      const client = form.client_id ? realm.clients.get(form.client_id) : undefined;
      const redirect = form.post_logout_redirect_uri;
      if (redirect && (!client || !postLogoutRedirectUris(client).includes(redirect)))
        return page(400, errorPage('Invalid redirect uri'));
      const session = await ssoSession(ctx, request, realm);
      if (session) await logoutSession(ctx, realm, session);
      clearSsoCookies(ctx, reply, realm);
      setRealmCookie(ctx, reply, realm.name, 'KC_LOGOUT_CONFIRM', '', { httpOnly: true, maxAgeSeconds: 0 });
      return finish(reply, realm, redirect, form.state, page);
    },
  );
}

function finish(
  reply: FastifyReply,
  realm: Realm,
  redirect: string | undefined,
  state: string | undefined,
  page: (s: number, b: string) => FastifyReply,
) {
  void realm;
  if (redirect)
    return reply.header('cache-control', 'no-store').redirect(withParams(redirect, { state }, 'query'), 302);
  return page(200, infoPage('You are logged out', 'You are logged out.'));
}
