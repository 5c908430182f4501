import { ASYMMETRIC_JWS_ALGORITHMS } from '@mockmart/auth';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { LogoutTokenInvalid } from '../errors.ts';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const MAX_AGE_SECONDS = 5 * 60;
const CLOCK_TOLERANCE_SECONDS = 30;
/** A logout token is accepted this long after its iat; its jti must be remembered as long. */
const ACCEPTED_FOR_SECONDS = MAX_AGE_SECONDS + CLOCK_TOLERANCE_SECONDS;

export interface LogoutTokenVerifierOptions {
  /** Public issuer, exactly as the idp stamps it. */
  issuer: string;
  /** The gateway's client id: logout tokens are addressed to it. */
  audience: string;
  /** The idp's signing keys: the gateway's JWKS cache (its access-token verifier's `keys`). */
  keys: JWTVerifyGetKey;
}

export interface LogoutClaims {
  sid: string | undefined;
  sub: string | undefined;
  jti: string;
  /** Past this moment the token would be refused as too old, so its jti need not be remembered. */
  acceptedUntil: Date;
}

/**
 * Validates an OpenID Connect Back-Channel Logout token (OIDC BCL 1.0 §2.6): signature by the
 * idp's JWKS with an asymmetric algorithm, exact iss, aud = this client, iat present and recent,
 * jti present, the back-channel-logout event present, no nonce (so an ID token cannot be replayed
 * as a logout token), and a sid or a sub to say whose sessions end. That a jti was not received
 * before is the session store's to check (shared by every replica).
 */
export function createLogoutTokenVerifier(options: LogoutTokenVerifierOptions) {
  const { keys } = options;
  return async function verifyLogoutToken(token: string): Promise<LogoutClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...ASYMMETRIC_JWS_ALGORITHMS],
        requiredClaims: ['iat', 'jti'],
        maxTokenAge: MAX_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw new LogoutTokenInvalid(
        `The logout token was refused (${(error as { code?: string }).code ?? 'invalid'})`,
      );
    }
    const events = payload.events as Record<string, unknown> | undefined;
    const event = typeof events === 'object' && events !== null ? events[BACKCHANNEL_EVENT] : undefined;
    // The member's value must be a JSON object: `typeof null` is 'object' too, and arrays are not.
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new LogoutTokenInvalid('The logout token lacks the back-channel logout event');
    }
    if (payload.nonce !== undefined) throw new LogoutTokenInvalid('A logout token must not carry a nonce');
    const sid = typeof payload.sid === 'string' && payload.sid.length > 0 ? payload.sid : undefined;
    const sub = typeof payload.sub === 'string' && payload.sub.length > 0 ? payload.sub : undefined;
    if (!sid && !sub)
      throw new LogoutTokenInvalid('The logout token names neither a session (sid) nor a subject (sub)');
    if (typeof payload.jti !== 'string' || payload.jti.length === 0)
      throw new LogoutTokenInvalid('The logout token has no jti');
    const iat = typeof payload.iat === 'number' ? payload.iat : 0;
    const acceptedUntil = new Date((Math.max(iat, Date.now() / 1000) + ACCEPTED_FOR_SECONDS) * 1000);
    return { sid, sub, jti: payload.jti, acceptedUntil };
  };
}

export type LogoutTokenVerifier = ReturnType<typeof createLogoutTokenVerifier>;
