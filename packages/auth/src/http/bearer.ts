import { AuthError } from '../errors.ts';

/**
 * Extracts the bearer token from an Authorization header (RFC 6750 §2.1; header only — tokens in
 * query strings or bodies are not accepted). Returns undefined when there is no header at all.
 */
export function extractBearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) {
    if (header.length !== 1)
      throw new AuthError('AUTH_INVALID_REQUEST', 'more than one Authorization header', {
        reason: 'malformed_header',
        detail: 'malformed_header multiple',
      });
    header = header[0] as string;
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (match === null) {
    // A different scheme (Basic, DPoP…) or garbage: answer like "no usable credentials" + invalid_request.
    throw new AuthError('AUTH_INVALID_REQUEST', 'Authorization header is not a Bearer token', {
      reason: 'malformed_header',
      detail: 'malformed_header not Bearer b64token',
    });
  }
  return match[1];
}
