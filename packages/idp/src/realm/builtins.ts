import type { ClientRep, ClientScopeRep, ProtocolMapperRep, RoleRep } from './representation.ts';

/**
 * What a new Keycloak 26 realm gets without asking: the built-in OIDC
 * client scopes with their mappers, the `account` / `admin-cli` / `realm-management` clients and
 * `default-roles-<realm>`. The idp adds any of them a realm file does not declare, by name.
 */

const oidc = (name: string, protocolMapper: string, config: Record<string, string>): ProtocolMapperRep => ({
  name,
  protocol: 'openid-connect',
  protocolMapper,
  config,
});

const ALL = {
  'access.token.claim': 'true',
  'id.token.claim': 'true',
  'userinfo.token.claim': 'true',
  'introspection.token.claim': 'true',
};

const attr = (name: string, attribute: string, claim: string, type = 'String'): ProtocolMapperRep =>
  oidc(name, 'oidc-usermodel-attribute-mapper', {
    ...ALL,
    'user.attribute': attribute,
    'claim.name': claim,
    'jsonType.label': type,
  });

const scope = (
  name: string,
  includeInTokenScope: boolean,
  protocolMappers: ProtocolMapperRep[],
): ClientScopeRep => ({
  name,
  protocol: 'openid-connect',
  attributes: { 'include.in.token.scope': String(includeInTokenScope), 'display.on.consent.screen': 'true' },
  protocolMappers,
});

export function builtinClientScopes(): ClientScopeRep[] {
  return [
    scope('basic', false, [
      oidc('auth_time', 'oidc-usersessionmodel-note-mapper', {
        'user.session.note': 'AUTH_TIME',
        'claim.name': 'auth_time',
        'jsonType.label': 'long',
        'access.token.claim': 'true',
        'id.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
      oidc('sub', 'oidc-sub-mapper', { 'access.token.claim': 'true', 'introspection.token.claim': 'true' }),
    ]),
    scope('profile', true, [
      oidc('full name', 'oidc-full-name-mapper', { ...ALL }),
      attr('username', 'username', 'preferred_username'),
      attr('given name', 'firstName', 'given_name'),
      attr('family name', 'lastName', 'family_name'),
    ]),
    scope('email', true, [
      attr('email', 'email', 'email'),
      oidc('email verified', 'oidc-usermodel-property-mapper', {
        ...ALL,
        'user.attribute': 'emailVerified',
        'claim.name': 'email_verified',
        'jsonType.label': 'boolean',
      }),
    ]),
    scope('roles', false, [
      oidc('realm roles', 'oidc-usermodel-realm-role-mapper', {
        'user.attribute': 'foo',
        'claim.name': 'realm_access.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
      oidc('client roles', 'oidc-usermodel-client-role-mapper', {
        'user.attribute': 'foo',
        'claim.name': 'resource_access.${client_id}.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
      oidc('audience resolve', 'oidc-audience-resolve-mapper', {
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ]),
    scope('web-origins', false, [
      oidc('allowed web origins', 'oidc-allowed-origins-mapper', {
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ]),
    scope('acr', false, [
      oidc('acr loa level', 'oidc-acr-mapper', {
        'access.token.claim': 'true',
        'id.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ]),
    {
      name: 'offline_access',
      protocol: 'openid-connect',
      attributes: { 'display.on.consent.screen': 'true' },
      protocolMappers: [],
    },
    scope('service_account', false, [
      note('Client ID', 'client_id', 'client_id'),
      note('Client Host', 'clientHost', 'clientHost'),
      note('Client IP Address', 'clientAddress', 'clientAddress'),
    ]),
  ];
}

function note(name: string, sessionNote: string, claim: string): ProtocolMapperRep {
  return oidc(name, 'oidc-usersessionmodel-note-mapper', {
    'user.session.note': sessionNote,
    'claim.name': claim,
    'jsonType.label': 'String',
    'access.token.claim': 'true',
    'id.token.claim': 'true',
    'introspection.token.claim': 'true',
  });
}

export const BUILTIN_DEFAULT_SCOPES = ['web-origins', 'acr', 'profile', 'roles', 'basic', 'email'];
export const BUILTIN_OPTIONAL_SCOPES = [
  'offline_access',
  'address',
  'phone',
  'microprofile-jwt',
  'organization',
];

export const REALM_MANAGEMENT_ROLES = [
  'view-users',
  'manage-users',
  'query-users',
  'query-groups',
  'view-clients',
  'manage-clients',
  'query-clients',
  'view-realm',
  'manage-realm',
];

export function builtinClients(): { clients: ClientRep[]; roles: Record<string, RoleRep[]> } {
  return {
    clients: [
      {
        clientId: 'account',
        name: '${client_account}',
        publicClient: true,
        standardFlowEnabled: true,
        fullScopeAllowed: false,
        redirectUris: [],
        webOrigins: [],
      },
      {
        clientId: 'admin-cli',
        name: '${client_admin-cli}',
        publicClient: true,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: true,
        fullScopeAllowed: true,
        attributes: { 'client.use.lightweight.access.token.enabled': 'true' },
      },
      {
        clientId: 'realm-management',
        name: '${client_realm-management}',
        bearerOnly: true,
        standardFlowEnabled: false,
      },
    ],
    roles: {
      account: [
        { name: 'view-profile' },
        {
          name: 'manage-account',
          composite: true,
          composites: { client: { account: ['manage-account-links'] } },
        },
        { name: 'manage-account-links' },
      ],
      'realm-management': [
        ...REALM_MANAGEMENT_ROLES.map((name) => ({ name })),
        {
          name: 'realm-admin',
          composite: true,
          composites: { client: { 'realm-management': REALM_MANAGEMENT_ROLES } },
        },
      ],
    },
  };
}

export function builtinRealmRoles(realm: string): RoleRep[] {
  return [
    { name: 'offline_access', description: '${role_offline-access}' },
    { name: 'uma_authorization', description: '${role_uma_authorization}' },
    {
      name: `default-roles-${realm}`,
      description: '${role_default-roles}',
      composite: true,
      composites: {
        realm: ['offline_access', 'uma_authorization'],
        client: { account: ['view-profile', 'manage-account'] },
      },
    },
  ];
}
