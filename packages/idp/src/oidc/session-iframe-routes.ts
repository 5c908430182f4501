import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context.ts';
import { findRealm } from './realm-lookup.ts';

/**
 * What keycloak-js needs for `checkLoginIframe` — public pages:
 * - login-status-iframe.html answers postMessage("<clientId> <sid>") with "unchanged" /
 *   "changed" / "error", comparing the sid with the KEYCLOAK_SESSION cookie;
 * - login-status-iframe.html/init?client_id&origin: 204 when the origin is one of the client's
 *   web origins, else 403 (the iframe then answers "error");
 * - 3p-cookies/step1.html + step2.html: posts "supported" or "unsupported" to the parent.
 */
export function sessionIframeRoutes(app: FastifyInstance, ctx: IdpContext): void {
  const base = '/realms/:realm/protocol/openid-connect';
  const html = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' };

  app.get<{ Params: { realm: string } }>(`${base}/login-status-iframe.html`, async (request, reply) => {
    if (!findRealm(ctx, request.params.realm, reply)) return reply;
    return reply.headers(html).send(IFRAME);
  });

  app.get<{ Params: { realm: string }; Querystring: { client_id?: string; origin?: string } }>(
    `${base}/login-status-iframe.html/init`,
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      const client = request.query.client_id ? realm.clients.get(request.query.client_id) : undefined;
      const origin = request.query.origin;
      if (!client || !origin) return reply.code(403).send();
      const allowed = new Set<string>();
      for (const o of client.webOrigins) {
        if (o === '*') return reply.code(204).send();
        if (o !== '+') allowed.add(o);
        else
          for (const uri of client.redirectUris) {
            try {
              allowed.add(new URL(uri.replace(/\*$/, '')).origin);
            } catch {
              // relative redirect URI
            }
          }
      }
      return reply.code(allowed.has(origin) ? 204 : 403).send();
    },
  );

  app.get<{ Params: { realm: string } }>(`${base}/3p-cookies/step1.html`, async (request, reply) => {
    if (!findRealm(ctx, request.params.realm, reply)) return reply;
    return reply.headers(html).send(STEP1);
  });
  app.get<{ Params: { realm: string } }>(`${base}/3p-cookies/step2.html`, async (request, reply) => {
    if (!findRealm(ctx, request.params.realm, reply)) return reply;
    return reply.headers(html).send(STEP2);
  });
}

const IFRAME = `<!DOCTYPE html><html><head><title>Login status</title></head><body><script>
var init;
function getCookie(name) {
  var parts = ('; ' + document.cookie).split('; ' + name + '=');
  return parts.length === 2 ? decodeURIComponent(parts.pop().split(';').shift()) : '';
}
function check(clientId, origin, sessionState, source) {
  var cookie = getCookie('KEYCLOAK_SESSION');
  var sid = cookie ? cookie.split('/')[2] : '';
  var result = (sessionState || '') === (sid || '') ? 'unchanged' : 'changed';
  source.postMessage(result, origin);
}
window.addEventListener('message', function (event) {
  if (typeof event.data !== 'string') return;
  var parts = event.data.split(' ');
  if (parts.length !== 2) { event.source.postMessage('error', event.origin); return; }
  var clientId = parts[0], sessionState = parts[1], origin = event.origin, source = event.source;
  if (init && init.clientId === clientId && init.origin === origin) {
    if (init.status === 204) check(clientId, origin, sessionState, source); else source.postMessage('error', origin);
    return;
  }
  var url = location.href.split('?')[0] + '/init?client_id=' + encodeURIComponent(clientId) + '&origin=' + encodeURIComponent(origin);
  fetch(url, { credentials: 'include' }).then(function (r) {
    init = { clientId: clientId, origin: origin, status: r.status };
    if (r.status === 204) check(clientId, origin, sessionState, source); else source.postMessage('error', origin);
  }, function () { source.postMessage('error', origin); });
}, false);
</script></body></html>`;

const STEP1 = `<!DOCTYPE html><html><body><script>
document.cookie = 'KEYCLOAK_3P_COOKIE_SAMESITE=supported; max-age=60; samesite=none; secure';
document.cookie = 'KEYCLOAK_3P_COOKIE=supported; max-age=60';
window.location = 'step2.html';
</script></body></html>`;

const STEP2 = `<!DOCTYPE html><html><body><script>
var supported = document.cookie.indexOf('KEYCLOAK_3P_COOKIE') !== -1;
document.cookie = 'KEYCLOAK_3P_COOKIE_SAMESITE=; max-age=0; samesite=none; secure';
document.cookie = 'KEYCLOAK_3P_COOKIE=; max-age=0';
window.parent.postMessage(supported ? 'supported' : 'unsupported', '*');
</script></body></html>`;
