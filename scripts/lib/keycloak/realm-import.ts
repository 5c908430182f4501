/**
 * Imports the realm of deploy/keycloak into a running Keycloak through the Admin REST API — the
 * same files the idp reads, merged the same way (dev-users.json only outside production), with the
 * generated client secrets and the system's public URL substituted for the `${…}` placeholders.
 */
import { join, resolve } from 'node:path';
import { loadRealmFiles, type RealmRep } from '@mockmart/idp';
import { REPO_ROOT, type Secrets } from '@mockmart/devstack';
import type { KeycloakAdmin } from './admin.ts';

export const REALM_FILE = join(REPO_ROOT, 'deploy/keycloak/techstore-realm.json');
export const DEV_USERS_FILE = join(REPO_ROOT, 'deploy/keycloak/dev-users.json');

export interface RealmImportOptions {
  /** Realm name; the file's (`techstore`) unless several systems share one Keycloak. */
  realm?: string;
  secrets: Secrets;
  /** The gateway's public origin (redirect URIs, web origins, back-channel logout URL). */
  gatewayPublicUrl: string;
  /** Load dev-users.json (demo users, techstore-cli): never in production. */
  devUsers: boolean;
  /**
   * The realm's own public URL incl. /auth (Keycloak's realm `frontendUrl`): the `iss` of its
   * tokens when Keycloak runs without a fixed --hostname, as the tests' shared Keycloak does.
   */
  frontendUrl?: string;
  /** Partial realm files merged after the shipped ones (tests' extra clients and users). */
  extraFiles?: string[];
  /** More values for the files' `${…}` placeholders. */
  extraEnv?: Record<string, string>;
}

/** The realm representation as it is posted: files merged, placeholders substituted. */
export async function realmRepresentation(options: RealmImportOptions): Promise<RealmRep> {
  const files = [
    ...(options.devUsers ? [REALM_FILE, DEV_USERS_FILE] : [REALM_FILE]),
    ...(options.extraFiles ?? []).map((file) => resolve(REPO_ROOT, file)),
  ];
  const [realm] = await loadRealmFiles(
    files,
    { ...options.secrets, GATEWAY_PUBLIC_URL: options.gatewayPublicUrl, ...options.extraEnv },
    { production: !options.devUsers },
  );
  const rep = realm!;
  if (options.realm && options.realm !== rep.realm) {
    rep.realm = options.realm;
    // User ids are unique across a Keycloak's realms: a second copy of the realm gets fresh ones.
    for (const user of rep.users ?? []) delete user.id;
  }
  if (options.frontendUrl)
    (rep as { attributes?: Record<string, string> }).attributes = {
      ...(rep as { attributes?: Record<string, string> }).attributes,
      frontendUrl: options.frontendUrl,
    };
  return rep;
}

export async function importRealm(admin: KeycloakAdmin, options: RealmImportOptions): Promise<void> {
  await admin.request('POST', '', await realmRepresentation(options));
}

export async function deleteRealm(admin: KeycloakAdmin, realm: string): Promise<void> {
  await admin.request('DELETE', `/${encodeURIComponent(realm)}`);
}

/**
 * Whether the realm exists as these options would import it, judged by the gateway client: a realm
 * imported with other secrets (the local secrets file was deleted) or for another public URL (another
 * port offset) would refuse every service or every login.
 */
export async function realmIsCurrent(admin: KeycloakAdmin, options: RealmImportOptions): Promise<boolean> {
  const realm = options.realm ?? 'techstore';
  const realms = await admin.request<{ realm: string }[]>('GET', '');
  if (!realms.some((entry) => entry.realm === realm)) return false;
  const [gateway] = await admin.request<{ id: string; redirectUris?: string[] }[]>(
    'GET',
    `/${encodeURIComponent(realm)}/clients?clientId=gateway`,
  );
  if (!gateway?.redirectUris?.includes(`${options.gatewayPublicUrl}/bff/callback`)) return false;
  const secret = await admin.request<{ value?: string }>(
    'GET',
    `/${encodeURIComponent(realm)}/clients/${gateway.id}/client-secret`,
  );
  return secret.value === options.secrets.GATEWAY_CLIENT_SECRET;
}
