/**
 * The client_credentials grant (RFC 6749 §4.4) as a request function and a process function, with
 * oauth4webapi building the request (client authentication per RFC 6749 §2.3 / RFC 7523) and
 * validating the answer. What is ours is the classification the provider's retry loop needs: a
 * token, a retryable failure (network, 429, 5xx) or a final refusal (invalid_client …).
 */
import * as oauth from 'oauth4webapi';
import { decodeJwt, exportPKCS8, importPKCS8 } from 'jose';
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

/** The token endpoint and this client, as oauth4webapi takes them; built once per provider. */
export interface TokenEndpointClient {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  authenticate: oauth.ClientAuth;
  /** Plain http is allowed where it was configured (a local IdP); https otherwise. */
  insecure: boolean;
}

export async function tokenEndpointClient(
  tokenEndpoint: string,
  clientId: string,
  auth: ClientAuthentication,
): Promise<TokenEndpointClient> {
  // No discovery: the issuer is only the client assertion's default audience, which is set below.
  const as: oauth.AuthorizationServer = {
    issuer: new URL(tokenEndpoint).origin,
    token_endpoint: tokenEndpoint,
  };
  const insecure = new URL(tokenEndpoint).protocol === 'http:';
  return { as, client: { client_id: clientId }, authenticate: await clientAuth(auth), insecure };
}

async function clientAuth(auth: ClientAuthentication): Promise<oauth.ClientAuth> {
  if (auth.method === 'client_secret_basic') return oauth.ClientSecretBasic(auth.clientSecret);
  if (auth.method === 'client_secret_post') return oauth.ClientSecretPost(auth.clientSecret);
  // oauth4webapi signs with WebCrypto keys: a node KeyObject is imported once, for its alg.
  const key =
    auth.privateKey instanceof globalThis.CryptoKey
      ? auth.privateKey
      : await importPKCS8(await exportPKCS8(auth.privateKey), auth.alg);
  return oauth.PrivateKeyJwt(
    { key, ...(auth.keyId ? { kid: auth.keyId } : {}) },
    {
      [oauth.modifyAssertion]: (_header, payload) => {
        payload.aud = auth.audience;
      },
    },
  );
}

export interface TokenRequestInput {
  scope?: string | undefined;
  audience?: string | undefined;
  fetch: typeof fetch;
  signal: AbortSignal;
}

/** Sends the client_credentials request; network errors and timeouts reject. */
export function requestClientCredentials(
  endpoint: TokenEndpointClient,
  input: TokenRequestInput,
): Promise<Response> {
  const parameters = new URLSearchParams();
  if (input.scope) parameters.set('scope', input.scope);
  if (input.audience) parameters.set('audience', input.audience);
  return oauth.clientCredentialsGrantRequest(
    endpoint.as,
    endpoint.client,
    endpoint.authenticate,
    parameters,
    {
      [oauth.customFetch]: input.fetch,
      [oauth.allowInsecureRequests]: endpoint.insecure,
      signal: input.signal,
    },
  );
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
export async function processTokenResponse(
  endpoint: TokenEndpointClient,
  response: Response,
  nowSec: number,
): Promise<ProcessedResponse> {
  if (response.status === 429 || response.status >= 500) {
    return {
      kind: 'retryable',
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), nowSec * 1000),
      error: (await oauthError(response)) ?? `HTTP ${response.status}`,
    };
  }
  try {
    const body = await oauth.processClientCredentialsResponse(endpoint.as, endpoint.client, response);
    if (body.token_type !== 'bearer') {
      return {
        kind: 'rejected',
        status: 200,
        error: 'invalid_token_response',
        description: 'no bearer access_token in the response',
      };
    }
    return {
      kind: 'token',
      token: {
        accessToken: body.access_token,
        expiresInSec: expiresIn(body.expires_in, body.access_token, nowSec),
      },
    };
  } catch (error) {
    return refusal(error, response);
  }
}

async function refusal(error: unknown, response: Response): Promise<ProcessedResponse> {
  if (error instanceof oauth.ResponseBodyError) {
    return {
      kind: 'rejected',
      status: error.status,
      error: error.error.slice(0, 100),
      description: error.error_description?.slice(0, 200),
    };
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // A 401 with a challenge (e.g. `Basic`): the OAuth error, if any, is still in the body.
    return {
      kind: 'rejected',
      status: error.status,
      error: ((await oauthError(response)) ?? `HTTP ${error.status}`).slice(0, 100),
      description: undefined,
    };
  }
  if (response.status !== 200)
    return {
      kind: 'rejected',
      status: response.status,
      error: `HTTP ${response.status}`,
      description: undefined,
    };
  return {
    kind: 'rejected',
    status: 200,
    error: 'invalid_token_response',
    description: 'no bearer access_token in the response',
  };
}

/** The `error` of an OAuth error body, when the body is one (never throws: proxies send HTML). */
async function oauthError(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

// expires_in is RECOMMENDED, not required (RFC 6749 §5.1): fall back to the JWT's exp, then 60 s.
function expiresIn(value: number | undefined, token: string, nowSec: number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
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
