import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SessionStore } from '../session/session-store.ts';
import { LogoutTokenInvalid } from '../errors.ts';
import type { LogoutTokenVerifier } from '../idp/logout-token.ts';

const Body = Type.Object(
  { logout_token: Type.String({ minLength: 1, maxLength: 16_384 }) },
  { additionalProperties: false },
);

/**
 * POST /bff/backchannel-logout (the idp, server to server; authenticated by the signed logout
 * token, so no cookie and no CSRF token): ends every gateway session of the idp session (sid),
 * or of the user (sub) when the token names no session. Their next API call is 401. A token
 * already received, at this replica or another, is refused.
 */
export async function backchannelRoutes(
  app: FastifyInstance,
  options: { store: SessionStore; verify: LogoutTokenVerifier },
): Promise<void> {
  app.post('/bff/backchannel-logout', { schema: { body: Body } }, async (request, reply) => {
    const { logout_token: token } = request.body as { logout_token: string };
    const match = await options.verify(token);
    if (!(await options.store.firstLogoutTokenUse(match.jti, match.acceptedUntil)))
      throw new LogoutTokenInvalid('The logout token was already received (jti replay)');
    const ended = await options.store.destroyByIdpSession(match);
    request.log.info({ ended, by: match.sid ? 'sid' : 'sub' }, 'back-channel logout');
    return reply.header('cache-control', 'no-store').code(200).send();
  });
}
