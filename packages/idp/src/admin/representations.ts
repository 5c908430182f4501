import { stableUuid } from '../lib/ids.ts';
import type { Client, ClientScope, Realm, Role, User } from '../realm/model.ts';
import type { ProtocolMapperRep } from '../realm/representation.ts';

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

/** A role as Keycloak answers it; `brief` (a realm's defaultRole) without its attributes. */
export function roleRep(realm: Realm, role: Role, view: 'full' | 'brief' = 'full') {
  const container = role.clientId === undefined ? realm.id : realm.clients.get(role.clientId)?.id;
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    composite: role.composite,
    clientRole: role.clientId !== undefined,
    containerId: container,
    ...(view === 'full' ? { attributes: role.attributes } : {}),
  };
}

export function clientRep(client: Client) {
  const { description, rootUrl, baseUrl, frontchannelLogout } = client.rep;
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name,
    description,
    rootUrl,
    baseUrl,
    frontchannelLogout: frontchannelLogout ?? true,
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

/**
 * A protocol mapper with its id. A mapper from a realm file has none: it gets a name-based one
 * (realm, owner, name), kept on the mapper so a later rename does not change it.
 */
export function mapperRep(realm: Realm, ownerId: string, mapper: ProtocolMapperRep) {
  mapper.id ??= stableUuid(realm.name, 'protocol-mapper', ownerId, mapper.name ?? '');
  return { id: mapper.id, ...mapper, config: mapper.config ?? {} };
}

export function clientScopeRep(realm: Realm, scope: ClientScope) {
  return {
    id: scope.id,
    name: scope.name,
    description: scope.rep.description,
    protocol: scope.rep.protocol ?? 'openid-connect',
    attributes: scope.attributes,
    protocolMappers: scope.protocolMappers.map((m) => mapperRep(realm, scope.id, m)),
  };
}
