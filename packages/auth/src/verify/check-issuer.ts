import type { IdpEndpoints } from '../config/idp-endpoints.ts';
import { AuthError, configError } from '../errors.ts';
import type { AuthLogger } from '../lib/logger.ts';

export interface CheckIssuerOptions {
  /** Keep retrying an unreachable discovery endpoint this long (the IdP may start alongside us). Default 10 s. */
  waitMs?: number;
  /** Per-request timeout. Default 3 s. */
  timeoutMs?: number;
}

export interface IssuerCheckResult {
  readonly ok: boolean;
  readonly configuredIssuer: string;
  readonly discoveredIssuer: string;
  readonly discoveryUrl: string;
}

/**
 * Problem 1 at start-up instead of as a 401 in staging: fetch discovery from the INTERNAL URL and
 * compare its `issuer` with the configured PUBLIC issuer. The message names both and what to change.
 */
export async function checkIssuer(
  idp: IdpEndpoints,
  mode: 'fail' | 'warn',
  deps: { fetch: typeof fetch; logger: AuthLogger },
  options: CheckIssuerOptions = {},
): Promise<IssuerCheckResult> {
  const discoveryUrl = idp.discoveryUrl;
  if (!discoveryUrl) throw configError('checkIssuer needs idp.discoveryUrl (keycloakEndpoints() sets it)');
  const discovered = await fetchIssuer(
    discoveryUrl,
    deps.fetch,
    options.waitMs ?? 10_000,
    options.timeoutMs ?? 3_000,
  );
  const result = {
    ok: discovered === idp.issuer,
    configuredIssuer: idp.issuer,
    discoveredIssuer: discovered,
    discoveryUrl,
  };
  if (result.ok) return result;
  const message =
    `Issuer mismatch: the identity provider at ${discoveryUrl} says its issuer is "${discovered}", ` +
    `but this service accepts tokens from "${idp.issuer}". Every token would be refused with 401. ` +
    `Set the public URL setting (keycloakEndpoints publicUrl / relativePath / realm, i.e. KEYCLOAK_PUBLIC_URL, ` +
    `KEYCLOAK_RELATIVE_PATH, KEYCLOAK_REALM) so the issuer is exactly "${discovered}", or fix the IdP's hostname (KC_HOSTNAME).`;
  if (mode === 'warn') {
    deps.logger.warn({ configuredIssuer: idp.issuer, discoveredIssuer: discovered, discoveryUrl }, message);
    return result;
  }
  throw new AuthError('AUTH_ISSUER_MISMATCH', message, {
    reason: 'iss_mismatch',
    detail: `iss_mismatch expected=${idp.issuer} actual=${discovered}`,
  });
}

async function fetchIssuer(
  url: string,
  fetchFn: typeof fetch,
  waitMs: number,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + waitMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetchFn(url, {
        redirect: 'manual',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { issuer?: unknown };
      if (typeof body.issuer !== 'string') throw new Error('discovery document has no issuer');
      return body.issuer;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() + 250 > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000)));
  }
  throw new AuthError(
    'AUTH_IDP_UNAVAILABLE',
    `cannot read the IdP discovery document at ${url}: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
    {
      reason: 'jwks_unavailable',
      retryAfterSec: 5,
      cause: lastError,
    },
  );
}
