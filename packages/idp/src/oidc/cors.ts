import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { IdpContext } from '../context.ts';
import type { Client } from '../realm/model.ts';
import { claimedClientId } from './client-auth.ts';
import { formOf } from './realm-lookup.ts';

/** A client's web origins as Keycloak reads them: `+` stands for the origins of its redirect URIs. */
export function webOriginsOf(client: Client): Set<string> {
  const origins = new Set<string>();
  for (const origin of client.webOrigins) {
    if (origin !== '+') {
      origins.add(origin);
      continue;
    }
    for (const uri of client.redirectUris) {
      try {
        origins.add(new URL(uri.replace(/\*$/, '')).origin);
      } catch {
        // relative redirect URIs have no origin
      }
    }
  }
  return origins;
}

const PUBLIC_DOCUMENTS = /\/(\.well-known\/openid-configuration|protocol\/openid-connect\/certs)$/;
const CLIENT_ENDPOINTS = /\/protocol\/openid-connect\/(token|revoke|logout)$/;
const TOKEN_ENDPOINTS = /\/protocol\/openid-connect\/userinfo$/;

/**
 * CORS as Keycloak answers it, for browser clients such as keycloak-js: discovery and keys are
 * public documents; the token, revocation and logout endpoints allow the calling client's web
 * origins; userinfo the origins its access token lists (`allowed-origins`). Credentials are allowed
 * (keycloak-js sends cookies), so an origin is echoed, never `*`, and nothing is sent to others.
 * Preflights are answered for any origin: the actual request is what gets checked.
 */
export function corsRoutes(app: FastifyInstance, ctx: IdpContext): void {
  app.options('/realms/:realm/*', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return reply.code(200).send();
    return reply
      .code(200)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('access-control-allow-methods', 'GET, HEAD, POST, OPTIONS')
      .header(
        'access-control-allow-headers',
        'Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, Access-Control-Request-Headers, Authorization, DPoP',
      )
      .header('access-control-max-age', '3600')
      .header('vary', 'Origin')
      .send();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const origin = request.headers.origin;
    if (!origin || request.method === 'OPTIONS') return payload;
    const path = request.url.split('?')[0] ?? '';
    if (PUBLIC_DOCUMENTS.test(path)) {
      void reply.header('access-control-allow-origin', '*');
      return payload;
    }
    if (allowedOrigins(ctx, request, path)?.has(origin)) allow(reply, origin);
    return payload;
  });
}

function allowedOrigins(ctx: IdpContext, request: FastifyRequest, path: string): Set<string> | undefined {
  const realmName = (request.params as { realm?: string } | undefined)?.realm;
  const realm = realmName ? ctx.realms.get(realmName) : undefined;
  if (!realm) return undefined;
  if (CLIENT_ENDPOINTS.test(path)) {
    const clientId = claimedClientId(request, formOf(request.body));
    const client = clientId ? realm.clients.get(clientId) : undefined;
    return client ? webOriginsOf(client) : undefined;
  }
  if (TOKEN_ENDPOINTS.test(path)) {
    const token = request.headers.authorization?.replace(/^Bearer\s+/i, '');
    try {
      const claims = token ? decodeJwt(token) : undefined;
      const origins = claims?.['allowed-origins'];
      return Array.isArray(origins) ? new Set(origins.map(String)) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function allow(reply: FastifyReply, origin: string): void {
  void reply
    .header('access-control-allow-origin', origin)
    .header('access-control-allow-credentials', 'true')
    .header('access-control-expose-headers', 'Access-Control-Allow-Methods')
    .header('vary', 'Origin');
}
