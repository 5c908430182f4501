import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import type { CryptoKey, KeyObject } from 'jose';

export type ClientAuthentication =
  | { method: 'client_secret_basic'; clientSecret: string }
  | { method: 'client_secret_post'; clientSecret: string }
  | {
      method: 'private_key_jwt';
      privateKey: CryptoKey | KeyObject;
      alg: string;
      keyId?: string | undefined;
      audience: string;
    };

export interface TokenRequestInput {
  tokenEndpoint: string;
  clientId: string;
  auth: ClientAuthentication;
  scope?: string | undefined;
  audience?: string | undefined;
  nowSec: number;
}

/** Builds the client_credentials request (RFC 6749 §4.4; client auth per RFC 6749 §2.3 / RFC 7523). */
export async function clientCredentialsRequest(
  input: TokenRequestInput,
): Promise<{ headers: Record<string, string>; body: string }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (input.scope) form.set('scope', input.scope);
  if (input.audience) form.set('audience', input.audience);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const { auth } = input;
  if (auth.method === 'client_secret_basic') {
    // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
    headers.authorization = `Basic ${Buffer.from(`${formEncode(input.clientId)}:${formEncode(auth.clientSecret)}`).toString('base64')}`;
  } else if (auth.method === 'client_secret_post') {
    form.set('client_id', input.clientId);
    form.set('client_secret', auth.clientSecret);
  } else {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: auth.alg, typ: 'JWT', ...(auth.keyId ? { kid: auth.keyId } : {}) })
      .setIssuer(input.clientId)
      .setSubject(input.clientId)
      .setAudience(auth.audience)
      .setJti(randomUUID())
      .setIssuedAt(input.nowSec)
      .setExpirationTime(input.nowSec + 60)
      .sign(auth.privateKey);
    form.set('client_id', input.clientId);
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', assertion);
  }
  return { headers, body: form.toString() };
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

export interface IssuedToken {
  accessToken: string;
  expiresInSec: number;
}

export type ProcessedResponse =
  | { kind: 'token'; token: IssuedToken }
  | { kind: 'retryable'; status: number; retryAfterMs: number | undefined; error: string }
  | { kind: 'rejected'; status: number; error: string; description: string | undefined };

/** Classifies a token-endpoint response: a token, a retryable failure (429/5xx) or a final refusal. */
export async function processTokenResponse(response: Response, nowSec: number): Promise<ProcessedResponse> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // non-JSON error page (proxy, 502…)
  }
  if (response.status === 429 || response.status >= 500) {
    return {
      kind: 'retryable',
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), nowSec * 1000),
      error: String(body.error ?? `HTTP ${response.status}`),
    };
  }
  if (response.status !== 200) {
    const description =
      typeof body.error_description === 'string' ? body.error_description.slice(0, 200) : undefined;
    return {
      kind: 'rejected',
      status: response.status,
      error: typeof body.error === 'string' ? body.error.slice(0, 100) : `HTTP ${response.status}`,
      description,
    };
  }
  const accessToken = body.access_token;
  const tokenType = body.token_type;
  if (
    typeof accessToken !== 'string' ||
    accessToken.length === 0 ||
    (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer')
  ) {
    return {
      kind: 'rejected',
      status: 200,
      error: 'invalid_token_response',
      description: 'no bearer access_token in the response',
    };
  }
  return {
    kind: 'token',
    token: { accessToken, expiresInSec: expiresIn(body.expires_in, accessToken, nowSec) },
  };
}

// expires_in is RECOMMENDED, not required (RFC 6749 §5.1): fall back to the JWT's exp, then 60 s.
function expiresIn(value: unknown, token: string, nowSec: number): number {
  const numeric = typeof value === 'string' ? Number(value) : value;
  if (typeof numeric === 'number' && Number.isFinite(numeric) && numeric > 0) return numeric;
  try {
    const exp = decodeJwt(token).exp;
    if (typeof exp === 'number' && exp > nowSec) return exp - nowSec;
  } catch {
    // opaque token
  }
  return 60;
}

/** Retry-After as delay-seconds or an HTTP date, measured against the provider's (injectable) clock. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
