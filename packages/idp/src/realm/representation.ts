/**
 * The subset of Keycloak's realm export format (RealmRepresentation) the idp reads.
 * Field names follow Keycloak exactly so one file configures both Keycloak (--import-realm) and
 * the idp. Unknown fields are kept and ignored.
 */

export interface ProtocolMapperRep {
  id?: string;
  name?: string;
  protocol?: string;
  protocolMapper?: string;
  config?: Record<string, string>;
}

export interface RoleRep {
  id?: string;
  name?: string;
  description?: string;
  composite?: boolean;
  composites?: { realm?: string[]; client?: Record<string, string[]> };
  clientRole?: boolean;
  containerId?: string;
  attributes?: Record<string, string[]>;
}

export interface CredentialRep {
  type?: string;
  value?: string;
  temporary?: boolean;
  secretData?: string;
  credentialData?: string;
}

export interface UserRep {
  id?: string;
  username?: string;
  enabled?: boolean;
  email?: string;
  emailVerified?: boolean;
  firstName?: string;
  lastName?: string;
  attributes?: Record<string, string[]>;
  credentials?: CredentialRep[];
  requiredActions?: string[];
  realmRoles?: string[];
  clientRoles?: Record<string, string[]>;
  serviceAccountClientId?: string;
  createdTimestamp?: number;
  groups?: string[];
}

export interface ClientRep {
  id?: string;
  clientId?: string;
  name?: string;
  description?: string;
  enabled?: boolean;
  clientAuthenticatorType?: string;
  secret?: string;
  publicClient?: boolean;
  bearerOnly?: boolean;
  standardFlowEnabled?: boolean;
  implicitFlowEnabled?: boolean;
  directAccessGrantsEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  consentRequired?: boolean;
  fullScopeAllowed?: boolean;
  frontchannelLogout?: boolean;
  redirectUris?: string[];
  webOrigins?: string[];
  rootUrl?: string;
  baseUrl?: string;
  protocol?: string;
  attributes?: Record<string, string>;
  defaultClientScopes?: string[];
  optionalClientScopes?: string[];
  protocolMappers?: ProtocolMapperRep[];
}

export interface ClientScopeRep {
  id?: string;
  name?: string;
  description?: string;
  protocol?: string;
  attributes?: Record<string, string>;
  protocolMappers?: ProtocolMapperRep[];
}

export interface ScopeMappingRep {
  client?: string;
  clientScope?: string;
  roles?: string[];
}

export interface ComponentRep {
  id?: string;
  name?: string;
  providerId?: string;
  subType?: string;
  subComponents?: Record<string, ComponentRep[]>;
  config?: Record<string, string[]>;
}

export interface RealmRep {
  id?: string;
  realm?: string;
  displayName?: string;
  enabled?: boolean;
  sslRequired?: string;
  registrationAllowed?: boolean;
  loginWithEmailAllowed?: boolean;
  duplicateEmailsAllowed?: boolean;
  resetPasswordAllowed?: boolean;
  editUsernameAllowed?: boolean;
  accessTokenLifespan?: number;
  accessCodeLifespan?: number;
  accessCodeLifespanLogin?: number;
  ssoSessionIdleTimeout?: number;
  ssoSessionMaxLifespan?: number;
  offlineSessionIdleTimeout?: number;
  offlineSessionMaxLifespanEnabled?: boolean;
  offlineSessionMaxLifespan?: number;
  revokeRefreshToken?: boolean;
  refreshTokenMaxReuse?: number;
  bruteForceProtected?: boolean;
  permanentLockout?: boolean;
  maxTemporaryLockouts?: number;
  failureFactor?: number;
  waitIncrementSeconds?: number;
  quickLoginCheckMilliSeconds?: number;
  minimumQuickLoginWaitSeconds?: number;
  maxFailureWaitSeconds?: number;
  maxDeltaTimeSeconds?: number;
  passwordPolicy?: string;
  roles?: { realm?: RoleRep[]; client?: Record<string, RoleRep[]> };
  defaultRole?: RoleRep;
  users?: UserRep[];
  clients?: ClientRep[];
  clientScopes?: ClientScopeRep[];
  defaultDefaultClientScopes?: string[];
  defaultOptionalClientScopes?: string[];
  scopeMappings?: ScopeMappingRep[];
  clientScopeMappings?: Record<string, ScopeMappingRep[]>;
  components?: Record<string, ComponentRep[]>;
  attributes?: Record<string, string>;
  [key: string]: unknown;
}
