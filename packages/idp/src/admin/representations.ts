import type { Client, Realm, Role, User } from '../realm/model.ts';

/**
 * What the caller may do with a user, as Keycloak 26.7 tells an administrator: a search result
 * says only `manage`, a single user the whole set. The idp has no impersonation (always false).
 */
const BRIEF_ACCESS = { manage: true };
const FULL_ACCESS = {
  manageGroupMembership: true,
  resetPassword: true,
  view: true,
  mapRoles: true,
  impersonate: false,
  manage: true,
};

/** Admin REST representations, with Keycloak's field names. Secrets and hashes never leave. */
export function userRep(user: User, view: 'brief' | 'full' = 'full') {
  return {
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    emailVerified: user.emailVerified,
    attributes: user.attributes,
    createdTimestamp: user.createdTimestamp,
    enabled: user.enabled,
    totp: false,
    ...(user.serviceAccountClientId ? { serviceAccountClientId: user.serviceAccountClientId } : {}),
    disableableCredentialTypes: [],
    requiredActions: user.requiredActions,
    notBefore: 0,
    access: view === 'brief' ? BRIEF_ACCESS : FULL_ACCESS,
  };
}

export function roleRep(realm: Realm, role: Role) {
  const container = role.clientId === undefined ? realm.id : realm.clients.get(role.clientId)?.id;
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    composite: role.composite,
    clientRole: role.clientId !== undefined,
    containerId: container,
    attributes: role.attributes,
  };
}

export function clientRep(client: Client) {
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name,
    enabled: client.enabled,
    clientAuthenticatorType: client.publicClient ? undefined : 'client-secret',
    redirectUris: client.redirectUris,
    webOrigins: client.webOrigins,
    bearerOnly: client.bearerOnly,
    consentRequired: client.consentRequired,
    standardFlowEnabled: client.standardFlowEnabled,
    implicitFlowEnabled: client.implicitFlowEnabled,
    directAccessGrantsEnabled: client.directAccessGrantsEnabled,
    serviceAccountsEnabled: client.serviceAccountsEnabled,
    publicClient: client.publicClient,
    fullScopeAllowed: client.fullScopeAllowed,
    protocol: 'openid-connect',
    attributes: client.attributes,
    defaultClientScopes: client.defaultClientScopes,
    optionalClientScopes: client.optionalClientScopes,
    protocolMappers: client.protocolMappers,
  };
}
