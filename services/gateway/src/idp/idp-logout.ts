import type { FastifyBaseLogger } from 'fastify';
import type { OidcClient } from './oidc-client.ts';

export interface IdpLogoutOptions {
  oidc: Pick<OidcClient, 'endIdpSession' | 'endSessionUrl'>;
  /** The ended session's refresh token, if it had one. */
  refreshToken: string | undefined;
  /** Where the idp sends the browser after an RP-initiated logout (registered in the realm). */
  postLogoutRedirectUri: string;
  logger: FastifyBaseLogger;
}

/**
 * Ends the user's idp (SSO) session after the gateway session has ended, and answers where the
 * browser goes next. Without this the next /bff/login would sign the user straight back in.
 * 1. From the server, with the refresh token: nothing reaches the browser, which goes to `/`.
 * 2. If that fails (no refresh token, idp error or timeout): the idp's end-session URL with
 *    `client_id` and `post_logout_redirect_uri` (RP-initiated logout, no `id_token_hint`), so the
 *    browser ends the idp session itself after the idp's confirmation page.
 * 3. If the idp cannot even be discovered: `/`, and the idp session ends at its idle timeout.
 */
export async function idpLogout(options: IdpLogoutOptions): Promise<string> {
  const { oidc, refreshToken, logger } = options;
  if (refreshToken) {
    try {
      await oidc.endIdpSession(refreshToken);
      return '/';
    } catch (error) {
      logger.warn(
        { err: reason(error) },
        'idp logout from the server failed; the browser ends the idp session',
      );
    }
  }
  try {
    return (await oidc.endSessionUrl(options.postLogoutRedirectUri)).href;
  } catch (error) {
    logger.warn({ err: reason(error) }, 'idp unreachable at logout; idp session left to expire');
    return '/';
  }
}

/** Only the message: an error's cause may hold request details that have no place in a log. */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
