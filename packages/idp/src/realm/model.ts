import type { PasswordPolicy } from '../password/password-policy.ts';
import type { ClientRep, ClientScopeRep, ProtocolMapperRep, RealmRep } from './representation.ts';

/** Runtime model of a realm: the representation resolved into maps the endpoints use. */

export interface Role {
  id: string;
  name: string;
  description?: string;
  /** Owning client's clientId for client roles; undefined for realm roles. */
  clientId?: string;
  composite: boolean;
  /** Role keys (see roleKey) this composite role contains. */
  composites: string[];
  attributes: Record<string, string[]>;
}

export interface Client {
  id: string;
  clientId: string;
  name?: string;
  enabled: boolean;
  secret?: string;
  publicClient: boolean;
  bearerOnly: boolean;
  standardFlowEnabled: boolean;
  implicitFlowEnabled: boolean;
  directAccessGrantsEnabled: boolean;
  serviceAccountsEnabled: boolean;
  consentRequired: boolean;
  fullScopeAllowed: boolean;
  redirectUris: string[];
  webOrigins: string[];
  attributes: Record<string, string>;
  defaultClientScopes: string[];
  optionalClientScopes: string[];
  protocolMappers: ProtocolMapperRep[];
  /** Role keys this client's tokens may carry when fullScopeAllowed is false. */
  scopeRoleKeys: Set<string>;
  rep: ClientRep;
}

export interface ClientScope {
  id: string;
  name: string;
  attributes: Record<string, string>;
  protocolMappers: ProtocolMapperRep[];
  scopeRoleKeys: Set<string>;
  rep: ClientScopeRep;
}

export interface User {
  id: string;
  username: string;
  enabled: boolean;
  email?: string;
  emailVerified: boolean;
  firstName?: string;
  lastName?: string;
  attributes: Record<string, string[]>;
  passwordHash?: string;
  /**
   * Set while an imported plain-text password is still to be hashed (hashing runs after start-up,
   * see password/deferred-hashing.ts); awaiting it hashes now if it has not started yet.
   */
  passwordHashing?: PromiseLike<void>;
  requiredActions: string[];
  /** Directly assigned role keys (composites are expanded at token time). */
  roleKeys: Set<string>;
  serviceAccountClientId?: string;
  createdTimestamp: number;
}

export interface BruteForceSettings {
  enabled: boolean;
  permanentLockout: boolean;
  failureFactor: number;
  waitIncrementSeconds: number;
  maxFailureWaitSeconds: number;
  quickLoginCheckMilliSeconds: number;
  minimumQuickLoginWaitSeconds: number;
  maxDeltaTimeSeconds: number;
}

export interface RealmSettings {
  enabled: boolean;
  sslRequired: 'none' | 'external' | 'all';
  loginWithEmailAllowed: boolean;
  accessTokenLifespan: number;
  accessCodeLifespan: number;
  accessCodeLifespanLogin: number;
  ssoSessionIdleTimeout: number;
  ssoSessionMaxLifespan: number;
  offlineSessionIdleTimeout: number;
  offlineSessionMaxLifespanEnabled: boolean;
  offlineSessionMaxLifespan: number;
  revokeRefreshToken: boolean;
  refreshTokenMaxReuse: number;
  bruteForce: BruteForceSettings;
}

export interface UserProfile {
  /** Attribute names declared in the user profile (`kc.user.profile.config`). */
  declared: Set<string>;
  /** ENABLED, ADMIN_EDIT, ADMIN_VIEW or undefined (unmanaged attributes disabled). */
  unmanagedAttributePolicy?: string;
}

export interface Realm {
  id: string;
  name: string;
  settings: RealmSettings;
  /** Checked when the Admin REST API sets a password and when a realm file imports one. */
  passwordPolicy: PasswordPolicy;
  roles: Map<string, Role>; // by role key
  clients: Map<string, Client>; // by clientId
  clientsById: Map<string, Client>; // by internal id
  scopes: Map<string, ClientScope>; // by name
  users: Map<string, User>; // by id
  defaultRoleKey: string;
  defaultDefaultClientScopes: string[];
  defaultOptionalClientScopes: string[];
  userProfile?: UserProfile;
  rep: RealmRep;
}

/** Stable key of a role: `realm/<name>` or `client/<clientId>/<name>`. */
export const roleKey = (name: string, clientId?: string): string =>
  clientId === undefined ? `realm/${name}` : `client/${clientId}/${name}`;

export function findUserByUsername(realm: Realm, username: string): User | undefined {
  const wanted = username.toLowerCase();
  for (const user of realm.users.values()) if (user.username === wanted) return user;
  return undefined;
}

export function findUserByEmail(realm: Realm, email: string): User | undefined {
  const wanted = email.toLowerCase();
  for (const user of realm.users.values()) if (user.email?.toLowerCase() === wanted) return user;
  return undefined;
}

export function serviceAccountUser(realm: Realm, clientId: string): User | undefined {
  for (const user of realm.users.values()) if (user.serviceAccountClientId === clientId) return user;
  return undefined;
}
