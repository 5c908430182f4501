/**
 * The Keycloak Admin REST API as the bootstrap admin of the master realm: a password-grant token
 * from `admin-cli`, reused while it is fresh (master's access tokens live 60 s).
 */
import { KEYCLOAK_RELATIVE_PATH } from './options.ts';
import type { KeycloakAdminCredentials } from './run.ts';

export interface KeycloakAdmin {
  /** Keycloak's base URL without the relative path (http://127.0.0.1:8081). */
  url: string;
  /** A call under /admin/realms; throws with Keycloak's answer unless it is 2xx. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export function keycloakAdmin(url: string, credentials: KeycloakAdminCredentials): KeycloakAdmin {
  const base = `${url}${KEYCLOAK_RELATIVE_PATH}`;
  let token: { value: string; until: number } | undefined;

  async function accessToken(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const response = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...credentials }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || !body.access_token)
      throw new Error(`Keycloak refused the admin's sign-in: ${response.status} ${body.error ?? ''}`);
    token = { value: body.access_token, until: Date.now() + ((body.expires_in ?? 60) - 15) * 1000 };
    return token.value;
  }

  return {
    url,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${base}/admin/realms${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await accessToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (!response.ok)
        throw new Error(`Keycloak admin ${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
