import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IdpContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { authenticateClient, claimedClientId } from './client-auth.ts';
import { authorizationCodeGrant } from './grants/authorization-code.ts';
import { clientCredentialsGrant } from './grants/client-credentials.ts';
import { passwordGrant } from './grants/password.ts';
import { refreshTokenGrant } from './grants/refresh-token.ts';
import type { Realm } from '../realm/model.ts';
import { isAssignableScope } from '../tokens/grant-scopes.ts';
import { findRealm, formOf, refuseDuplicatedParameters } from './realm-lookup.ts';

const GRANTS = new Set(['authorization_code', 'refresh_token', 'password', 'client_credentials']);

/**
 * POST {realm}/protocol/openid-connect/token — any client; confidential clients authenticate
 * with their secret (basic or post). Responses carry `Cache-Control: no-store` (RFC 6749 §5.1).
 */
export function tokenRoute(app: FastifyInstance, ctx: IdpContext): void {
  app.post<{ Params: { realm: string } }>(
    '/realms/:realm/protocol/openid-connect/token',
    {
      // Instead of Fastify's two request lines at info: one line when done, at debug for a grant
      // that succeeded (counted in /idp-admin/stats anyway), at info for a refusal.
      onResponse: (request, reply, done) => {
        const fields = { method: request.method, url: request.url, statusCode: reply.statusCode };
        if (reply.statusCode < 400) request.log.debug(fields, 'token request completed');
        else request.log.info({ ...fields, responseTime: reply.elapsedTime }, 'token request refused');
        done();
      },
    },
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      const form = formOf(request.body);
      const grantType = form.grant_type;
      let clientId = claimedClientId(request, form) ?? '-';
      let ok = false;
      try {
        if (!grantType) throw new OAuthError(400, 'invalid_request', 'Missing form parameter: grant_type');
        const client = authenticateClient(ctx, realm, request, form);
        clientId = client.clientId;
        refuseDuplicatedParameters(request.body);
        let body: Record<string, unknown>;
        switch (grantType) {
          case 'authorization_code':
            body = await authorizationCodeGrant(ctx, realm, client, form);
            break;
          case 'refresh_token':
            body = await refreshTokenGrant(ctx, realm, client, form);
            break;
          case 'password':
            body = await passwordGrant(ctx, realm, client, form, request.ip);
            break;
          case 'client_credentials':
            body = await clientCredentialsGrant(ctx, realm, client, form, request.ip);
            break;
          default:
            throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
        }
        ok = true;
        return noStore(reply).send(body);
      } finally {
        const counted = statsLabels(realm, clientId, form.scope);
        ctx.stats.record(
          realm.name,
          counted.clientId,
          grantType && GRANTS.has(grantType) ? grantType : 'unsupported',
          ok,
          counted.scope,
        );
      }
    },
  );
}

/**
 * The stats row of a token request. The counters live as long as the idp and anyone may call the
 * token endpoint, so no value as sent may become a key: a client id that names no client of the
 * realm counts as "(unknown)", and a scope parameter with a value not assignable to the client as
 * "(invalid)". Otherwise every request with a fresh (up to body-limit sized) client_id or scope
 * would add a row forever — unbounded memory from unauthenticated requests.
 */
function statsLabels(
  realm: Realm,
  claimedClientId: string,
  scope: string | undefined,
): { clientId: string; scope: string } {
  const client = realm.clients.get(claimedClientId);
  if (!client) return { clientId: claimedClientId === '-' ? '-' : '(unknown)', scope: '' };
  const values = (scope ?? '').split(' ').filter(Boolean);
  const assignable = values.every((s) => isAssignableScope(client, s));
  return { clientId: client.clientId, scope: assignable ? [...new Set(values)].join(' ') : '(invalid)' };
}

/** Whether a raw request URL is the token endpoint (not introspection): its request logging is ours. */
export function isTokenEndpointUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.endsWith('/protocol/openid-connect/token') || path.endsWith('/protocol/openid-connect/token/');
}

export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}
