import type { FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';
import { invalidClientCredentials, OAuthError, unknownClient } from '../errors.ts';
import { safeEqual } from '../lib/ids.ts';
import type { Client, Realm } from '../realm/model.ts';
import type { FormBody } from './realm-lookup.ts';

/** `Authorization: Basic` with form-url-encoded id and secret (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unescape = (s: string): string => {
    try {
      return decodeURIComponent(s.replaceAll('+', ' '));
    } catch {
      return s;
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

/** The client_id a request names, before authentication (for logging and stats). */
export function claimedClientId(request: FastifyRequest, form: FormBody): string | undefined {
  return basicCredentials(request.headers.authorization)?.id ?? form.client_id;
}

/**
 * Client authentication at the token, introspection and revocation endpoints:
 * `client_secret_basic` or `client_secret_post` for confidential clients, `client_id` alone for
 * public ones. Errors follow Keycloak's `ClientIdAndSecretAuthenticator`.
 */
export function authenticateClient(
  ctx: IdpContext,
  realm: Realm,
  request: FastifyRequest,
  form: FormBody,
): Client {
  const basic = basicCredentials(request.headers.authorization);
  const clientId = basic?.id ?? form.client_id;
  const secret = basic?.secret ?? form.client_secret;
  const client = clientId ? realm.clients.get(clientId) : undefined;
  if (!client || !client.enabled) throw unknownClient();
  if (client.publicClient) return client;
  if (client.bearerOnly) throw new OAuthError(400, 'invalid_client', 'Bearer-only not allowed');
  if (secret === undefined || secret === '')
    throw new OAuthError(401, 'unauthorized_client', 'Client secret not provided in request');
  if (!client.secret || !safeEqual(secret, client.secret)) throw invalidClientCredentials(ctx.compat);
  return client;
}
