/**
 * The Admin REST API of one side through @keycloak/keycloak-admin-client, as an operator's script
 * drives it: the master realm's administrator, working on the conformance realm.
 */
import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { Side, Sides } from './sides.ts';

export async function adminOf(sides: Sides, side: Side): Promise<KcAdminClient> {
  const admin = new KcAdminClient({ baseUrl: side.base, realmName: 'master' });
  await admin.auth({ ...sides.admin, grantType: 'password', clientId: 'admin-cli' });
  admin.setConfig({ realmName: sides.realm });
  return admin;
}

/** A refused call as the admin client reports it: the HTTP status and the body. */
export async function refusal(call: Promise<unknown>): Promise<unknown> {
  try {
    return { unexpectedly: await call };
  } catch (error) {
    const { response, responseData } = error as { response?: Response; responseData?: unknown };
    return { status: response?.status, body: responseData };
  }
}
