import type { JWTPayload } from 'jose';
import { invalidToken } from '../errors.ts';

/**
 * A token with a `cnf` claim is sender-constrained (RFC 9449 DPoP `jkt`, RFC 8705 mTLS `x5t#S256`):
 * it is only valid together with proof of the bound key. This library verifies plain Bearer tokens
 * and checks no such proof, so accepting one would turn a stolen bound token back into a bearer
 * token — exactly what binding exists to prevent. Refused until binding is supported.
 */
export function checkNotSenderConstrained(payload: JWTPayload): void {
  const cnf = payload.cnf;
  if (cnf === undefined) return;
  const methods =
    typeof cnf === 'object' && cnf !== null ? Object.keys(cnf).slice(0, 5).join(',') : typeof cnf;
  throw invalidToken(
    'token_bound',
    `token_bound cnf=${methods} (sender-constrained token sent as plain Bearer)`,
  );
}
