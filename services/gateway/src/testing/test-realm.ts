import type { RealmRep } from '@mockmart/idp';

/**
 * A realm shaped like deploy/keycloak's techstore realm, reduced to what the gateway needs, with
 * the gateway's URLs at its test origin.
 */
export function testRealm(gatewayOrigin: string, gatewaySecret: string): RealmRep {
  return {
    realm: 'techstore',
    enabled: true,
    sslRequired: 'none',
    accessTokenLifespan: 300,
    roles: { realm: [{ name: 'user' }, { name: 'admin' }, { name: 'can-checkout' }] },
    clients: [
      {
        clientId: 'gateway',
        enabled: true,
        publicClient: false,
        clientAuthenticatorType: 'client-secret',
        secret: gatewaySecret,
        standardFlowEnabled: true,
        directAccessGrantsEnabled: false,
        redirectUris: [`${gatewayOrigin}/bff/callback`],
        webOrigins: [gatewayOrigin],
        attributes: {
          'pkce.code.challenge.method': 'S256',
          'post.logout.redirect.uris': `${gatewayOrigin}/`,
          'backchannel.logout.url': `${gatewayOrigin}/bff/backchannel-logout`,
          'backchannel.logout.session.required': 'true',
        },
        protocolMappers: [
          {
            name: 'shop-api audience',
            protocol: 'openid-connect',
            protocolMapper: 'oidc-audience-mapper',
            config: {
              'included.client.audience': 'shop-api',
              'access.token.claim': 'true',
              'id.token.claim': 'false',
            },
          },
        ],
      },
      { clientId: 'shop-api', enabled: true, bearerOnly: true },
    ],
    users: [
      {
        username: 'mario',
        enabled: true,
        email: 'mario@techstore.test',
        emailVerified: true,
        firstName: 'Mario',
        lastName: 'Rossi',
        realmRoles: ['user', 'can-checkout'],
        credentials: [{ type: 'password', value: 'mario-test-password', temporary: false }],
      },
      {
        username: 'blocked',
        enabled: true,
        email: 'blocked@techstore.test',
        emailVerified: true,
        firstName: 'Bruno',
        lastName: 'Blocked',
        realmRoles: ['user'],
        credentials: [{ type: 'password', value: 'blocked-test-password', temporary: false }],
      },
    ],
  } as RealmRep;
}
