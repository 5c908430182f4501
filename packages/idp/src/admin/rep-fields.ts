/**
 * The fields an Admin REST write accepts, by type. A body is read through one of these tables:
 * known fields of the right type are kept, a known field of the wrong type is a 400 that changes
 * nothing, unknown fields are ignored (Keycloak's representations ignore them too).
 */
export type FieldType = 'string' | 'boolean' | 'number' | 'string[]' | 'string-map';

export type FieldTable = Readonly<Record<string, FieldType>>;

export const CLIENT_FIELDS: FieldTable = {
  clientId: 'string',
  name: 'string',
  description: 'string',
  enabled: 'boolean',
  clientAuthenticatorType: 'string',
  secret: 'string',
  publicClient: 'boolean',
  bearerOnly: 'boolean',
  standardFlowEnabled: 'boolean',
  implicitFlowEnabled: 'boolean',
  directAccessGrantsEnabled: 'boolean',
  serviceAccountsEnabled: 'boolean',
  consentRequired: 'boolean',
  fullScopeAllowed: 'boolean',
  frontchannelLogout: 'boolean',
  redirectUris: 'string[]',
  webOrigins: 'string[]',
  rootUrl: 'string',
  baseUrl: 'string',
  protocol: 'string',
  attributes: 'string-map',
  defaultClientScopes: 'string[]',
  optionalClientScopes: 'string[]',
};

export const CLIENT_SCOPE_FIELDS: FieldTable = {
  name: 'string',
  description: 'string',
  protocol: 'string',
  attributes: 'string-map',
};

export const MAPPER_FIELDS: FieldTable = {
  name: 'string',
  protocol: 'string',
  protocolMapper: 'string',
  config: 'string-map',
};

export const ROLE_FIELDS: FieldTable = { name: 'string', description: 'string' };

/** Realm settings the idp stores and applies (see readSettings); others are ignored. */
export const REALM_FIELDS: FieldTable = {
  displayName: 'string',
  enabled: 'boolean',
  sslRequired: 'string',
  registrationAllowed: 'boolean',
  loginWithEmailAllowed: 'boolean',
  duplicateEmailsAllowed: 'boolean',
  resetPasswordAllowed: 'boolean',
  editUsernameAllowed: 'boolean',
  rememberMe: 'boolean',
  verifyEmail: 'boolean',
  accessTokenLifespan: 'number',
  accessTokenLifespanForImplicitFlow: 'number',
  accessCodeLifespan: 'number',
  accessCodeLifespanLogin: 'number',
  accessCodeLifespanUserAction: 'number',
  ssoSessionIdleTimeout: 'number',
  ssoSessionMaxLifespan: 'number',
  offlineSessionIdleTimeout: 'number',
  offlineSessionMaxLifespanEnabled: 'boolean',
  offlineSessionMaxLifespan: 'number',
  clientSessionIdleTimeout: 'number',
  clientSessionMaxLifespan: 'number',
  revokeRefreshToken: 'boolean',
  refreshTokenMaxReuse: 'number',
  bruteForceProtected: 'boolean',
  permanentLockout: 'boolean',
  maxTemporaryLockouts: 'number',
  failureFactor: 'number',
  waitIncrementSeconds: 'number',
  quickLoginCheckMilliSeconds: 'number',
  minimumQuickLoginWaitSeconds: 'number',
  maxFailureWaitSeconds: 'number',
  maxDeltaTimeSeconds: 'number',
  passwordPolicy: 'string',
  defaultSignatureAlgorithm: 'string',
  eventsEnabled: 'boolean',
  eventsExpiration: 'number',
  adminEventsEnabled: 'boolean',
  adminEventsDetailsEnabled: 'boolean',
};

const isType = (value: unknown, type: FieldType): boolean => {
  switch (type) {
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'string-map':
      return (
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'string')
      );
    case 'number':
      return typeof value === 'number' && Number.isInteger(value);
    default:
      return typeof value === type;
  }
};

/** The table's fields of `body`, or the message of a 400 naming the first field of the wrong type. */
export function readFields(
  body: unknown,
  table: FieldTable,
): { fields: Record<string, unknown> } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the body must be a JSON object' };
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const type = table[name];
    if (!type || value === null || value === undefined) continue;
    if (!isType(value, type))
      return { error: `${name} must be ${type === 'string-map' ? 'a map of strings' : type}` };
    fields[name] = structuredClone(value);
  }
  return { fields };
}
