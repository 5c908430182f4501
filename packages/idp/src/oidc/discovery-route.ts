import type { FastifyInstance } from 'fastify';
import { issuerOf, type IdpContext } from '../context.ts';
import { findRealm } from './realm-lookup.ts';

/**
 * GET {realm}/.well-known/openid-configuration — public. Keycloak's field set and order
 * (Keycloak 26's discovery document). Every URL uses the configured public origin, whatever Host the request came
 * on, so discovery's `issuer` always equals the tokens' `iss` (problem 1). Features the idp does
 * not implement (device, CIBA, PAR, registration, front-channel logout) are still advertised by
 * Keycloak; here they are left out so clients do not try them.
 */
export function discoveryRoute(app: FastifyInstance, ctx: IdpContext): void {
  app.get<{ Params: { realm: string } }>(
    '/realms/:realm/.well-known/openid-configuration',
    async (request, reply) => {
      const realm = findRealm(ctx, request.params.realm, reply);
      if (!realm) return reply;
      const issuer = issuerOf(ctx, realm.name);
      const oidc = `${issuer}/protocol/openid-connect`;
      const scopes = [
        'openid',
        ...[...realm.scopes.values()]
          .filter((s) => s.attributes['include.in.openid.provider.metadata'] !== 'false')
          .map((s) => s.name),
      ];
      return reply.header('cache-control', 'no-cache').send({
        issuer,
        authorization_endpoint: `${oidc}/auth`,
        token_endpoint: `${oidc}/token`,
        introspection_endpoint: `${oidc}/token/introspect`,
        userinfo_endpoint: `${oidc}/userinfo`,
        end_session_endpoint: `${oidc}/logout`,
        jwks_uri: `${oidc}/certs`,
        check_session_iframe: `${oidc}/login-status-iframe.html`,
        grant_types_supported: ['authorization_code', 'client_credentials', 'password', 'refresh_token'],
        acr_values_supported: ['0', '1'],
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        prompt_values_supported: ['none', 'login'],
        id_token_signing_alg_values_supported: ['RS256'],
        userinfo_signing_alg_values_supported: ['none'],
        request_object_signing_alg_values_supported: ['none'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        claims_supported: [
          'aud',
          'sub',
          'iss',
          'auth_time',
          'name',
          'given_name',
          'family_name',
          'preferred_username',
          'email',
          'acr',
          'azp',
          'nonce',
          'exp',
          'iat',
        ],
        claim_types_supported: ['normal'],
        claims_parameter_supported: false,
        scopes_supported: scopes,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        require_request_uri_registration: true,
        code_challenge_methods_supported: ['plain', 'S256'],
        tls_client_certificate_bound_access_tokens: false,
        revocation_endpoint: `${oidc}/revoke`,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        require_pushed_authorization_requests: false,
        authorization_response_iss_parameter_supported: true,
      });
    },
  );
}
