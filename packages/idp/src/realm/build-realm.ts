import { IdpError } from '../errors.ts';
import { stableUuid } from '../lib/ids.ts';
import { deferPasswordHash } from '../password/deferred-hashing.ts';
import type { PasswordHashCache } from '../password/hash-cache.ts';
import { checkPassword, parsePasswordPolicy } from '../password/password-policy.ts';
import { fromKeycloakCredential, type ScryptParams } from '../password/scrypt.ts';
import {
  BUILTIN_DEFAULT_SCOPES,
  BUILTIN_OPTIONAL_SCOPES,
  builtinClientScopes,
  builtinClients,
  builtinRealmRoles,
} from './builtins.ts';
import {
  roleKey,
  type Client,
  type ClientScope,
  type Realm,
  type RealmSettings,
  type Role,
  type User,
} from './model.ts';
import type { ClientRep, RealmRep, RoleRep, UserRep } from './representation.ts';
import { readUserProfile } from './user-profile.ts';

/** Turns a realm representation into the runtime model, adding Keycloak's built-ins and hashing passwords. */
export async function buildRealm(
  input: RealmRep,
  hashing: ScryptParams,
  hashCache?: PasswordHashCache,
): Promise<Realm> {
  const rep = withBuiltins(structuredClone(input));
  const name = rep.realm as string;
  const fail = (message: string): never => {
    throw new IdpError('IDP_REALM_FILE_INVALID', `realm ${name}: ${message}`);
  };

  const roles = new Map<string, Role>();
  const addRole = (r: RoleRep, clientId?: string): void => {
    if (!r.name) fail(`a ${clientId ? `role of client ${clientId}` : 'realm role'} has no name`);
    const composites = [
      ...(r.composites?.realm ?? []).map((n) => roleKey(n)),
      ...Object.entries(r.composites?.client ?? {}).flatMap(([c, names]) => names.map((n) => roleKey(n, c))),
    ];
    roles.set(roleKey(r.name as string, clientId), {
      id: r.id ?? stableUuid(name, clientId ? `client-role/${clientId}` : 'role', r.name as string),
      name: r.name as string,
      description: r.description,
      clientId,
      composite: composites.length > 0,
      composites,
      attributes: r.attributes ?? {},
    });
  };
  for (const r of rep.roles?.realm ?? []) addRole(r);
  for (const [clientId, list] of Object.entries(rep.roles?.client ?? {}))
    for (const r of list) addRole(r, clientId);
  const requireRole = (key: string, where: string): string =>
    roles.has(key) ? key : fail(`${where} refers to unknown role ${key}`);
  for (const role of roles.values())
    for (const key of role.composites) requireRole(key, `composite role ${role.name}`);

  const scopeRoleKeys = (match: (m: { client?: string; clientScope?: string }) => boolean): Set<string> => {
    const keys = new Set<string>();
    for (const m of rep.scopeMappings ?? [])
      if (match(m)) for (const r of m.roles ?? []) keys.add(requireRole(roleKey(r), 'scopeMappings'));
    for (const [owner, list] of Object.entries(rep.clientScopeMappings ?? {}))
      for (const m of list)
        if (match(m))
          for (const r of m.roles ?? []) keys.add(requireRole(roleKey(r, owner), 'clientScopeMappings'));
    return keys;
  };

  const scopes = new Map<string, ClientScope>();
  for (const s of rep.clientScopes ?? []) {
    if (!s.name) fail('a client scope has no name');
    scopes.set(s.name as string, {
      id: s.id ?? stableUuid(name, 'client-scope', s.name as string),
      name: s.name as string,
      attributes: s.attributes ?? {},
      protocolMappers: s.protocolMappers ?? [],
      scopeRoleKeys: scopeRoleKeys((m) => m.clientScope === s.name),
      rep: s,
    });
  }

  const defaultDefaultClientScopes = rep.defaultDefaultClientScopes ?? BUILTIN_DEFAULT_SCOPES;
  const defaultOptionalClientScopes =
    rep.defaultOptionalClientScopes ?? BUILTIN_OPTIONAL_SCOPES.filter((s) => scopes.has(s));
  const clients = new Map<string, Client>();
  const clientsById = new Map<string, Client>();
  for (const c of rep.clients ?? []) {
    const client = buildClient(name, c, defaultDefaultClientScopes, defaultOptionalClientScopes, fail);
    for (const scopeName of [...client.defaultClientScopes, ...client.optionalClientScopes])
      if (!scopes.has(scopeName)) fail(`client ${client.clientId} uses unknown client scope ${scopeName}`);
    for (const key of roles.keys())
      if (key.startsWith(`client/${client.clientId}/`)) client.scopeRoleKeys.add(key);
    for (const key of scopeRoleKeys((m) => m.client === client.clientId)) client.scopeRoleKeys.add(key);
    clients.set(client.clientId, client);
    clientsById.set(client.id, client);
  }

  const passwordPolicy = parsePasswordPolicy(rep.passwordPolicy, `realm ${name}`);
  const defaultRoleKey = roleKey(rep.defaultRole?.name ?? `default-roles-${name}`);
  const users = new Map<string, User>();
  for (const u of rep.users ?? []) {
    const user = buildUser(name, u, fail);
    for (const key of user.roleKeys) requireRole(key, `user ${user.username}`);
    if (user.serviceAccountClientId && !clients.get(user.serviceAccountClientId)?.serviceAccountsEnabled)
      fail(
        `user ${user.username} is the service account of ${user.serviceAccountClientId}, which has no service account`,
      );
    if ([...users.values()].some((other) => other.username === user.username))
      fail(`user ${user.username} is defined twice`);
    if (users.has(user.id)) fail(`user ${user.username} has the id of user ${users.get(user.id)?.username}`);
    users.set(user.id, user);
    const password = u.credentials?.find((cr) => cr.type === 'password');
    if (password?.value !== undefined) {
      // Keycloak refuses to import a plain-text password its realm's policy refuses (#29420).
      const violation = checkPassword(passwordPolicy, password.value, user);
      if (violation)
        fail(`the password of user ${user.username} does not meet the password policy: ${violation.message}`);
      // Hashed after start-up (startIdp), or at once when a login for this user comes first.
      deferPasswordHash(
        users,
        user,
        password.value,
        hashing,
        hashCache && { cache: hashCache, who: `${name}/${user.username}` },
      );
    } else if (password?.secretData && password.credentialData) {
      user.passwordHash = fromKeycloakCredential(password.secretData, password.credentialData);
    }
    if (password?.temporary) user.requiredActions.push('UPDATE_PASSWORD');
  }
  for (const client of clients.values()) {
    if (
      !client.serviceAccountsEnabled ||
      [...users.values()].some((u) => u.serviceAccountClientId === client.clientId)
    )
      continue;
    const user = buildUser(
      name,
      { username: `service-account-${client.clientId}`, serviceAccountClientId: client.clientId },
      fail,
    );
    user.roleKeys.add(defaultRoleKey);
    users.set(user.id, user);
  }

  return {
    // Keycloak gives a realm imported without an id a generated uuid; the idp's is name-based.
    id: rep.id ?? stableUuid(name, 'realm'),
    name,
    settings: readSettings(rep),
    passwordPolicy,
    roles,
    clients,
    clientsById,
    scopes,
    users,
    defaultRoleKey,
    defaultDefaultClientScopes,
    defaultOptionalClientScopes,
    userProfile: readUserProfile(rep),
    rep: input,
  };
}

function withBuiltins(rep: RealmRep): RealmRep {
  const name = rep.realm as string;
  rep.roles ??= {};
  const realmRoles = (rep.roles.realm ??= []);
  for (const r of builtinRealmRoles(name)) if (!realmRoles.some((x) => x.name === r.name)) realmRoles.push(r);
  const builtin = builtinClients();
  rep.clients ??= [];
  for (const c of builtin.clients)
    if (!rep.clients.some((x) => x.clientId === c.clientId)) rep.clients.push(c);
  rep.roles.client ??= {};
  for (const [clientId, list] of Object.entries(builtin.roles)) {
    const existing = (rep.roles.client[clientId] ??= []);
    for (const r of list) if (!existing.some((x) => x.name === r.name)) existing.push(r);
  }
  rep.clientScopes ??= [];
  for (const s of builtinClientScopes()) {
    if (rep.clientScopes.some((x) => x.name === s.name)) continue;
    rep.clientScopes.push(s);
    if (s.name === 'offline_access')
      (rep.scopeMappings ??= []).push({ clientScope: 'offline_access', roles: ['offline_access'] });
  }
  return rep;
}

export function buildClient(
  realm: string,
  c: ClientRep,
  defaults: string[],
  optional: string[],
  fail: (m: string) => never,
): Client {
  if (!c.clientId) fail('a client has no clientId');
  const publicClient = c.publicClient ?? false;
  const bearerOnly = c.bearerOnly ?? false;
  if (
    !publicClient &&
    !bearerOnly &&
    !c.secret &&
    (c.clientAuthenticatorType ?? 'client-secret') === 'client-secret'
  )
    fail(`confidential client ${c.clientId} has no secret`);
  const serviceAccountsEnabled = c.serviceAccountsEnabled ?? false;
  const defaultClientScopes = [...(c.defaultClientScopes ?? defaults)];
  // KC ≥ 26.1 attaches the service_account scope to every client with a service account (PR #34664).
  if (serviceAccountsEnabled && !defaultClientScopes.includes('service_account'))
    defaultClientScopes.push('service_account');
  return {
    id: c.id ?? stableUuid(realm, 'client', c.clientId as string),
    clientId: c.clientId as string,
    name: c.name,
    enabled: c.enabled ?? true,
    secret: c.secret,
    publicClient,
    bearerOnly,
    standardFlowEnabled: c.standardFlowEnabled ?? true,
    implicitFlowEnabled: c.implicitFlowEnabled ?? false,
    directAccessGrantsEnabled: c.directAccessGrantsEnabled ?? false,
    serviceAccountsEnabled,
    consentRequired: c.consentRequired ?? false,
    fullScopeAllowed: c.fullScopeAllowed ?? true,
    redirectUris: c.redirectUris ?? [],
    webOrigins: c.webOrigins ?? [],
    attributes: c.attributes ?? {},
    defaultClientScopes,
    optionalClientScopes: c.optionalClientScopes ?? optional,
    protocolMappers: c.protocolMappers ?? [],
    scopeRoleKeys: new Set(),
    rep: c,
  };
}

/** A user of a realm file; without an `id` it gets one derived from realm and username (see stableUuid). */
export function buildUser(realm: string, u: UserRep, fail: (m: string) => never): User {
  if (!u.username) fail('a user has no username');
  const roleKeys = new Set<string>([
    ...(u.realmRoles ?? []).map((r) => roleKey(r)),
    ...Object.entries(u.clientRoles ?? {}).flatMap(([c, names]) => names.map((n) => roleKey(n, c))),
  ]);
  return {
    id: u.id ?? stableUuid(realm, 'user', (u.username as string).toLowerCase()),
    username: (u.username as string).toLowerCase(),
    enabled: u.enabled ?? true,
    email: u.email || undefined,
    emailVerified: u.emailVerified ?? false,
    firstName: u.firstName || undefined,
    lastName: u.lastName || undefined,
    attributes: structuredClone(u.attributes ?? {}),
    requiredActions: [...(u.requiredActions ?? [])],
    roleKeys,
    serviceAccountClientId: u.serviceAccountClientId,
    createdTimestamp: u.createdTimestamp ?? Date.now(),
  };
}

export function readSettings(rep: RealmRep): RealmSettings {
  const ssl = rep.sslRequired ?? 'external';
  return {
    enabled: rep.enabled ?? true,
    sslRequired: ssl === 'none' || ssl === 'all' ? ssl : 'external',
    loginWithEmailAllowed: rep.loginWithEmailAllowed ?? true,
    accessTokenLifespan: rep.accessTokenLifespan ?? 300,
    accessCodeLifespan: rep.accessCodeLifespan ?? 60,
    accessCodeLifespanLogin: rep.accessCodeLifespanLogin ?? 1800,
    ssoSessionIdleTimeout: rep.ssoSessionIdleTimeout ?? 1800,
    ssoSessionMaxLifespan: rep.ssoSessionMaxLifespan ?? 36000,
    offlineSessionIdleTimeout: rep.offlineSessionIdleTimeout ?? 2592000,
    offlineSessionMaxLifespanEnabled: rep.offlineSessionMaxLifespanEnabled ?? false,
    offlineSessionMaxLifespan: rep.offlineSessionMaxLifespan ?? 5184000,
    revokeRefreshToken: rep.revokeRefreshToken ?? false,
    refreshTokenMaxReuse: rep.refreshTokenMaxReuse ?? 0,
    bruteForce: {
      enabled: rep.bruteForceProtected ?? false,
      permanentLockout: rep.permanentLockout ?? false,
      failureFactor: rep.failureFactor ?? 30,
      waitIncrementSeconds: rep.waitIncrementSeconds ?? 60,
      maxFailureWaitSeconds: rep.maxFailureWaitSeconds ?? 900,
      quickLoginCheckMilliSeconds: rep.quickLoginCheckMilliSeconds ?? 1000,
      minimumQuickLoginWaitSeconds: rep.minimumQuickLoginWaitSeconds ?? 60,
      maxDeltaTimeSeconds: rep.maxDeltaTimeSeconds ?? 43200,
    },
  };
}
