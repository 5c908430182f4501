import * as client from 'openid-client';
import { idpUnavailable } from '../errors.ts';

export interface OidcClientOptions {
  /** The public issuer, exactly as tokens carry it (e.g. http://localhost:8080/auth/realms/techstore). */
  issuer: string;
  /** Where the gateway reaches the idp; back-channel calls to public issuer URLs are sent here. */
  internalIssuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  timeoutSeconds?: number;
  fetch?: typeof fetch;
}

/** The ID token itself is validated by openid-client and then dropped: only its claims are kept. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  /** Seconds, as the token endpoint said. */
  expiresIn: number;
  /** Validated ID token claims (code grant) or undefined (refresh without a new ID token). */
  idTokenClaims: Record<string, unknown> | undefined;
}

/** The idp answered with an OAuth error (invalid_grant, …): the grant is dead, not the network. */
export class OAuthRefused extends Error {
  readonly oauthError: string;
  constructor(oauthError: string, options?: { cause?: unknown }) {
    super(`identity provider refused the grant: ${oauthError}`, options);
    this.name = 'OAuthRefused';
    this.oauthError = oauthError;
  }
}

/**
 * openid-client configured for a Keycloak behind a split URL (problem 1): discovery is fetched from
 * the internal URL but validated against the PUBLIC issuer; every back-channel request whose URL
 * starts with the public issuer (token, JWKS) is rewritten to the internal one, while browser URLs
 * (authorization, end-session) stay public. Discovery is lazy and retried after a failure, so the
 * gateway starts even when the idp is still booting; a login then answers 503 + Retry-After.
 */
export function createOidcClient(options: OidcClientOptions) {
  const baseFetch = options.fetch ?? fetch;
  const issuer = options.issuer.replace(/\/+$/, '');
  const internal = options.internalIssuer.replace(/\/+$/, '');
  const rewrite: client.CustomFetch = (url, init) => {
    const target = url.startsWith(issuer) ? internal + url.slice(issuer.length) : url;
    return baseFetch(target, init as RequestInit);
  };
  let configuration: Promise<client.Configuration> | undefined;

  function discover(): Promise<client.Configuration> {
    configuration ??= client
      .discovery(
        new URL(issuer),
        options.clientId,
        { client_secret: options.clientSecret, redirect_uris: [options.redirectUri] },
        client.ClientSecretBasic(options.clientSecret),
        {
          [client.customFetch]: rewrite,
          timeout: options.timeoutSeconds ?? 5,
          execute:
            issuer.startsWith('http:') || internal.startsWith('http:') ? [client.allowInsecureRequests] : [],
        },
      )
      .then((config) => {
        config[client.customFetch] = rewrite;
        config.timeout = options.timeoutSeconds ?? 5;
        return config;
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw idpUnavailable('The identity provider could not be reached; try again shortly.', error);
      });
    return configuration;
  }

  return {
    issuer,
    discover,

    async authorizationUrl(params: { state: string; nonce: string; codeVerifier: string }): Promise<URL> {
      const config = await discover();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: 'openid profile email',
        response_type: 'code',
        state: params.state,
        nonce: params.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(params.codeVerifier),
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode(
      callbackUrl: URL,
      checks: { state: string; nonce: string; codeVerifier: string },
    ): Promise<TokenSet> {
      const config = await discover();
      const response = await guard(() =>
        client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        }),
      );
      return toTokenSet(response, response.claims() as Record<string, unknown> | undefined);
    },

    async refresh(refreshToken: string): Promise<TokenSet> {
      const config = await discover();
      const response = await guard(() => client.refreshTokenGrant(config, refreshToken));
      return toTokenSet(
        response,
        response.id_token ? (response.claims() as Record<string, unknown> | undefined) : undefined,
      );
    },

    /**
     * Whether the idp still accepts this refresh token (RFC 7662 introspection): with refresh-token
     * rotation a token it has already answered a refresh for is inactive. Asked before reusing a
     * token another replica may have spent.
     */
    async isRefreshTokenActive(refreshToken: string): Promise<boolean> {
      const config = await discover();
      const answer = await guard(() =>
        client.tokenIntrospection(config, refreshToken, { token_type_hint: 'refresh_token' }),
      );
      return answer.active === true;
    },

    /**
     * Ends the user's session at the idp from the server, with the refresh token (Keycloak's
     * logout for confidential clients), so no ID token ever has to reach the browser. Throws when
     * the idp does not confirm.
     */
    async endIdpSession(refreshToken: string): Promise<void> {
      const config = await discover();
      const endpoint = config.serverMetadata().end_session_endpoint;
      if (!endpoint)
        throw idpUnavailable('The identity provider publishes no end_session_endpoint.', undefined);
      const target = endpoint.startsWith(issuer) ? internal + endpoint.slice(issuer.length) : endpoint;
      const response = await baseFetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ refresh_token: refreshToken }).toString(),
        signal: AbortSignal.timeout((options.timeoutSeconds ?? 5) * 1000),
      });
      await response.body?.cancel();
      if (response.status !== 204 && response.status !== 200) {
        throw new OAuthRefused(`logout answered HTTP ${response.status}`);
      }
    },

    /**
     * The public end-session URL for an RP-initiated logout in the browser (OIDC RP-Initiated
     * Logout 1.0 §2) with `client_id` and `post_logout_redirect_uri` and no `id_token_hint`:
     * the idp asks the user to confirm (Keycloak's confirmation page), ends its session and sends
     * the browser back. The fallback when `endIdpSession` fails.
     */
    async endSessionUrl(postLogoutRedirectUri: string): Promise<URL> {
      const config = await discover();
      if (!config.serverMetadata().end_session_endpoint)
        throw idpUnavailable('The identity provider publishes no end_session_endpoint.', undefined);
      return client.buildEndSessionUrl(config, {
        client_id: options.clientId,
        post_logout_redirect_uri: postLogoutRedirectUri,
      });
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;

/** Answers that mean "the idp is not answering properly", as opposed to "the idp said no". */
const UNAVAILABLE_CODES = new Set([
  'OAUTH_RESPONSE_IS_NOT_JSON',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_TIMEOUT',
]);

async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError) {
      if (error instanceof client.ResponseBodyError && error.status >= 500)
        throw idpUnavailable('The identity provider failed; try again shortly.', error);
      throw new OAuthRefused(error.error, { cause: error });
    }
    const code = (error as { code?: unknown }).code;
    // State, nonce, PKCE and ID-token check failures are refusals, never "idp down".
    if (typeof code === 'string' && code.startsWith('OAUTH_') && !UNAVAILABLE_CODES.has(code))
      throw new OAuthRefused(code, { cause: error });
    throw idpUnavailable('The identity provider could not be reached; try again shortly.', error);
  }
}

function toTokenSet(
  response: client.TokenEndpointResponse,
  idTokenClaims: Record<string, unknown> | undefined,
): TokenSet {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresIn: typeof response.expires_in === 'number' ? response.expires_in : 60,
    idTokenClaims,
  };
}
