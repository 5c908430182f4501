import { errors as joseErrors } from 'jose';
import { AuthError, invalidToken } from '../errors.ts';

/** Turns jose's typed errors into AUTH_TOKEN_INVALID with a precise internal reason. */
export function mapJoseError(
  error: unknown,
  context: { issuer: string; audience: readonly string[] | false; now: number },
): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof joseErrors.JWTExpired && error.claim === 'iat') {
    // maxTokenAgeSec: issued too long ago, whatever its `exp`.
    return invalidToken(
      'expired',
      `expired iat=${String(error.payload.iat)} (older than maxTokenAgeSec)`,
      error,
    );
  }
  if (error instanceof joseErrors.JWTExpired) {
    return invalidToken(
      'expired',
      `expired exp=${String(error.payload.exp)} now=${Math.floor(context.now / 1000)}`,
      error,
    );
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const actual = error.payload[error.claim];
    if (error.reason === 'missing')
      return invalidToken('missing_claim', `missing_claim claim=${error.claim}`, error);
    switch (error.claim) {
      case 'iss':
        return invalidToken(
          'iss_mismatch',
          `iss_mismatch expected=${context.issuer} actual=${describe(actual)}`,
          error,
        );
      case 'aud':
        return invalidToken(
          'aud_mismatch',
          `aud_mismatch expected=${context.audience ? context.audience.join('|') : '-'} actual=${describe(actual)}`,
          error,
        );
      case 'nbf':
        return invalidToken('not_yet_valid', `not_yet_valid nbf=${describe(actual)}`, error);
      case 'iat':
        if (error.reason === 'check_failed')
          return invalidToken('iat_in_future', `iat_in_future iat=${describe(actual)}`, error);
        return invalidToken('iat_invalid', `iat_invalid iat=${describe(actual)}`, error);
      case 'exp':
        return invalidToken('expired', `exp_invalid exp=${describe(actual)}`, error);
      case 'typ':
        return invalidToken('typ_mismatch', `typ_mismatch typ=${describe(actual)}`, error);
      default:
        return invalidToken('malformed', `claim_invalid claim=${error.claim} reason=${error.reason}`, error);
    }
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return invalidToken('signature', 'signature verification failed', error);
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return invalidToken('alg_not_allowed', `alg_not_allowed: ${error.message}`, error);
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return invalidToken('kid_unknown', `kid_unknown: ${error.message}`, error);
  }
  if (error instanceof joseErrors.JOSEError)
    return invalidToken('malformed', `malformed: ${error.code} ${error.message}`, error);
  return invalidToken(
    'malformed',
    `malformed: ${error instanceof Error ? error.message : String(error)}`,
    error,
  );
}

/** A claim value for logs: short, quoted, never an object dump. */
export function describe(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
