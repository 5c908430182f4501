import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { AdminCredentials } from './config.ts';

/** Admin tokens live a minute on a fresh master realm; sign in again well before that. */
const REAUTH_AFTER_MS = 30_000;

export interface AdminSession {
  /** The admin client, signed in within the last 30 s, pointed at the target realm. */
  client(): Promise<KcAdminClient>;
  readonly realm: string;
}

/**
 * A signed-in `@keycloak/keycloak-admin-client`: client credentials in the target realm, or the
 * bootstrap administrator through `admin-cli` in `master` (as `kcadm.sh config credentials`).
 */
export async function openAdminSession(
  baseUrl: string,
  realm: string,
  credentials: AdminCredentials,
): Promise<AdminSession> {
  const kc = new KcAdminClient({ baseUrl, realmName: credentials.kind === 'client' ? realm : 'master' });
  let signedInAt = 0;
  const signIn = async () => {
    kc.setConfig({ realmName: credentials.kind === 'client' ? realm : 'master' });
    await kc.auth(
      credentials.kind === 'client'
        ? {
            grantType: 'client_credentials',
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
          }
        : {
            grantType: 'password',
            clientId: 'admin-cli',
            username: credentials.username,
            password: credentials.password,
          },
    );
    kc.setConfig({ realmName: realm });
    signedInAt = Date.now();
  };
  await signIn();
  return {
    realm,
    async client() {
      if (Date.now() - signedInAt > REAUTH_AFTER_MS) await signIn();
      return kc;
    },
  };
}
