import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import type { TestClient } from './default-clients.ts';

/**
 * Authenticates the calling client like Keycloak's token endpoint: client_secret_basic,
 * client_secret_post or private_key_jwt. Returns the client id, or undefined (→ 401 invalid_client).
 */
export async function authenticateClient(
  request: IncomingMessage,
  form: URLSearchParams,
  clients: ReadonlyMap<string, TestClient>,
  audiences: readonly string[],
): Promise<string | undefined> {
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const id = decodeURIComponent(decoded.slice(0, colon));
    return secretMatches(clients.get(id)?.secret, decodeURIComponent(decoded.slice(colon + 1)))
      ? id
      : undefined;
  }
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return undefined;
    const claimedId = form.get('client_id') ?? undefined;
    try {
      const [, body] = assertion.split('.');
      const iss = (JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as { iss?: string }).iss;
      const id = claimedId ?? iss;
      const jwk = id === undefined ? undefined : clients.get(id)?.publicJwk;
      if (id === undefined || jwk === undefined) return undefined;
      const key = await importJWK(jwk, jwk.alg ?? 'RS256');
      await jwtVerify(assertion, key, {
        issuer: id,
        subject: id,
        audience: [...audiences],
        requiredClaims: ['exp', 'jti'],
      });
      return id;
    } catch {
      return undefined;
    }
  }
  const id = form.get('client_id');
  const provided = form.get('client_secret');
  if (id === null || provided === null) return undefined;
  return secretMatches(clients.get(id)?.secret, provided) ? id : undefined;
}

function secretMatches(expected: string | undefined, provided: string): boolean {
  if (expected === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}
