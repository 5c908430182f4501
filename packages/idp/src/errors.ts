/**
 * Errors of the embedded identity provider.
 *
 * Two families:
 * - `OAuthError`: what the OIDC endpoints answer, byte for byte the Keycloak body
 *   `{"error": "...", "error_description": "..."}` with Keycloak's status.
 * - `IdpError`: start-up and operator errors with stable `IDP_` codes (config, realm import, keys,
 *   production refusal) and the idp's own admin endpoints, answered as problem+json.
 * A shipped code is never renamed.
 */

export const IDP_ERROR_CODES = {
  IDP_CONFIG_INVALID: 500,
  IDP_PRODUCTION_REFUSED: 500,
  IDP_REALM_FILE_INVALID: 500,
  IDP_REALM_ENV_MISSING: 500,
  IDP_REALM_CONFLICT: 500,
  IDP_KEYS_INVALID: 500,
  IDP_ADMIN_UNAUTHORIZED: 401,
  IDP_ADMIN_FORBIDDEN: 403,
  IDP_NOT_FOUND: 404,
  IDP_BAD_REQUEST: 400,
} as const;

export type IdpErrorCode = keyof typeof IDP_ERROR_CODES;

export class IdpError extends Error {
  readonly code: IdpErrorCode;
  readonly status: number;
  constructor(code: IdpErrorCode, message: string) {
    super(message);
    this.name = 'IdpError';
    this.code = code;
    this.status = IDP_ERROR_CODES[code];
  }
}

/** The OAuth error codes Keycloak answers with (RFC 6749 §5.2 plus Keycloak's `not_allowed`). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'not_allowed'
  | 'access_denied'
  | 'login_required'
  | 'unsupported_response_type'
  | 'temporarily_unavailable';

export class OAuthError extends Error {
  readonly status: number;
  readonly error: OAuthErrorCode;
  readonly description: string;
  constructor(status: number, error: OAuthErrorCode, description: string) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
    this.description = description;
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** Knobs for behaviour that differs between Keycloak 26 minors. Pin them to the production minor. */
export interface CompatOptions {
  /** Status of `invalid_grant "Invalid user credentials"`: 401 before KC 26.6, 400 from 26.6 (PR #46528). */
  invalidGrantStatus: 400 | 401;
  /** `error` for bad client credentials: `unauthorized_client` (KC 20–25 reports) or `invalid_client` (current). */
  invalidClientError: 'invalid_client' | 'unauthorized_client';
  /** KC ≥ 26.6.2: introspection is `active:false` unless the caller is in the token's `aud`. */
  introspectionAudienceCheck: boolean;
}

export const DEFAULT_COMPAT: CompatOptions = Object.freeze({
  invalidGrantStatus: 400,
  invalidClientError: 'invalid_client',
  introspectionAudienceCheck: true,
});

export const invalidClientCredentials = (compat: CompatOptions): OAuthError =>
  new OAuthError(401, compat.invalidClientError, 'Invalid client or Invalid client credentials');

export const invalidUserCredentials = (compat: CompatOptions): OAuthError =>
  new OAuthError(compat.invalidGrantStatus, 'invalid_grant', 'Invalid user credentials');
