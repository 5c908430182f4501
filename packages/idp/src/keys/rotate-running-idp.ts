import { IdpError } from '../errors.ts';

export interface RotateRunningIdpOptions {
  /** The idp's base URL, relative path included, e.g. http://127.0.0.1:8081/auth. */
  baseUrl: string;
  realm: string;
  /** Master realm administrator (the bootstrap admin the idp was started with). */
  username: string;
  password: string;
  fetch?: typeof fetch;
}

/**
 * Rotates the signing keys of a running idp through its operator endpoint: a master-realm token
 * (admin-cli, password grant — what kcadm does), then
 * POST {baseUrl}/idp-admin/realms/{realm}/rotate-keys. The idp keeps the old RSA key published
 * until the tokens it signed expire, and the old HMAC key verifying refresh tokens.
 *
 * @example await rotateRunningIdpKeys({ baseUrl: 'http://127.0.0.1:8081/auth', realm: 'techstore', username, password })
 */
export async function rotateRunningIdpKeys(options: RotateRunningIdpOptions): Promise<{ kid: string }> {
  const call = options.fetch ?? fetch;
  const reach = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await call(url, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new IdpError(
        'IDP_NOT_FOUND',
        `no idp answers at ${options.baseUrl} (${(err as Error).message}); start it (npm start or npm run idp), ` +
          'or rotate the stored keys of a stopped idp with node packages/idp/src/rotate-keys.ts',
      );
    }
  };
  const tokenResponse = await reach(`${options.baseUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: options.username,
      password: options.password,
    }),
  });
  if (!tokenResponse.ok)
    throw new IdpError(
      'IDP_ADMIN_UNAUTHORIZED',
      `the idp refused the operator credential of ${options.username} (HTTP ${tokenResponse.status}); it was ` +
        'started with another IDP_BOOTSTRAP_ADMIN_PASSWORD, or with none (no master realm)',
    );
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const rotated = await reach(
    `${options.baseUrl}/idp-admin/realms/${encodeURIComponent(options.realm)}/rotate-keys`,
    { method: 'POST', headers: { authorization: `Bearer ${token}` } },
  );
  if (!rotated.ok) {
    const detail = ((await rotated.json().catch(() => ({}))) as { detail?: string }).detail;
    throw new IdpError(
      rotated.status === 404 ? 'IDP_NOT_FOUND' : 'IDP_ADMIN_FORBIDDEN',
      `the idp refused to rotate the keys of realm ${options.realm} (HTTP ${rotated.status}${detail ? `: ${detail}` : ''})`,
    );
  }
  return (await rotated.json()) as { kid: string };
}
