import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { issuerOf, type IdpContext } from '../context.ts';

/**
 * Verifies a token this idp signed for `realm`: RS256 access/ID tokens by `kid` among the
 * published keys, HS512 refresh tokens with the realm's HMAC keys. Returns undefined for anything
 * that is not a valid, unexpired token of this realm — callers turn that into their own error.
 */
export async function verifyRealmToken(
  ctx: IdpContext,
  realm: string,
  token: string,
  kind: 'rsa' | 'hmac',
  options: { ignoreExpiry?: boolean } = {},
): Promise<JWTPayload | undefined> {
  let kid: string | undefined;
  let alg: string | undefined;
  try {
    ({ kid, alg } = decodeProtectedHeader(token));
  } catch {
    return undefined;
  }
  const key =
    kind === 'rsa' ? ctx.keys.rsaVerificationKey(realm, kid) : ctx.keys.hmacVerificationKey(realm, kid);
  if (!key || alg !== (kind === 'rsa' ? 'RS256' : 'HS512')) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: issuerOf(ctx, realm),
      algorithms: [alg],
      currentDate: new Date(ctx.now()),
      ...(options.ignoreExpiry ? { clockTolerance: 315_360_000 } : {}),
    });
    return payload;
  } catch (err) {
    if (err instanceof errors.JOSEError) return undefined;
    throw err;
  }
}
