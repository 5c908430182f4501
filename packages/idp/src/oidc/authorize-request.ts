import { OAuthError } from '../errors.ts';
import type { Client, Realm } from '../realm/model.ts';
import type { AuthRequest } from '../sessions/session-store.ts';
import { grantScopes } from '../tokens/grant-scopes.ts';
import type { FormBody } from './realm-lookup.ts';
import { matchesRegistered } from './redirect-uris.ts';

/** The authorization request parameters the idp reads. */
const AUTHORIZE_PARAMETERS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'prompt',
  'code_challenge',
  'code_challenge_method',
]);

/** An authorization request that cannot be answered by redirect: shown as an error page. */
export class AuthorizePageError extends Error {}

/** An error sent back to the (validated) redirect URI as `error` / `error_description`. */
export class AuthorizeRedirectError extends Error {
  readonly request: AuthRequest;
  readonly error: OAuthError;
  constructor(request: AuthRequest, error: OAuthError) {
    super(error.message);
    this.request = request;
    this.error = error;
  }
}

/**
 * Validates an authorization request in Keycloak's order: client and redirect_uri first (failures
 * are error pages — never a redirect to an unvalidated URI, so no open redirect), then
 * response_type, PKCE and scope (failures redirect back with `error`).
 */
export function parseAuthorizeRequest(
  realm: Realm,
  params: FormBody,
  /** The names of parameters the request carried more than once. */
  repeated: readonly string[] = [],
): { client: Client; request: AuthRequest } {
  const client = params.client_id ? realm.clients.get(params.client_id) : undefined;
  if (!client || !client.enabled || client.bearerOnly) throw new AuthorizePageError('Client not found.');
  const redirectUri = params.redirect_uri;
  if (!redirectUri || !matchesRegistered(client.redirectUris, redirectUri))
    throw new AuthorizePageError('Invalid parameter: redirect_uri');
  const responseMode = params.response_mode ?? 'query';
  const request: AuthRequest = {
    clientId: client.clientId,
    redirectUri,
    responseType: params.response_type ?? '',
    responseMode: responseMode === 'fragment' || responseMode === 'form_post' ? responseMode : 'query',
    scope: params.scope ?? '',
    state: params.state,
    nonce: params.nonce,
    prompt: params.prompt,
  };
  const fail = (error: OAuthError): never => {
    throw new AuthorizeRedirectError(request, error);
  };
  // Keycloak's AuthzEndpointRequestParser: a parameter it reads, sent twice, is refused (RFC 6749
  // §3.1), so the idp and anything in front of it cannot each act on a different value.
  if (repeated.some((name) => AUTHORIZE_PARAMETERS.has(name)))
    fail(new OAuthError(400, 'invalid_request', 'duplicated parameter'));
  if (!['query', 'fragment', 'form_post'].includes(responseMode))
    fail(new OAuthError(400, 'invalid_request', 'Invalid parameter: response_mode'));
  if (!request.responseType) fail(new OAuthError(400, 'invalid_request', 'Missing parameter: response_type'));
  if (request.responseType !== 'code') {
    fail(
      new OAuthError(
        400,
        'unsupported_response_type',
        'Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.',
      ),
    );
  }
  if (!client.standardFlowEnabled) {
    fail(
      new OAuthError(
        400,
        'unauthorized_client',
        'Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.',
      ),
    );
  }
  const method = params.code_challenge_method;
  const required = client.attributes['pkce.code.challenge.method'];
  if (params.code_challenge) {
    const effective = method ?? 'plain';
    if (effective !== 'plain' && effective !== 'S256')
      fail(new OAuthError(400, 'invalid_request', 'Invalid parameter: code_challenge_method'));
    if (required && effective !== required)
      fail(new OAuthError(400, 'invalid_request', 'Invalid parameter: code_challenge_method'));
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(params.code_challenge))
      fail(new OAuthError(400, 'invalid_request', 'Invalid parameter: code_challenge'));
    request.codeChallenge = params.code_challenge;
    request.codeChallengeMethod = effective as 'plain' | 'S256';
  } else if (required) {
    // Keycloak's description here is odd but verbatim.
    fail(new OAuthError(400, 'invalid_request', 'Missing parameter: code_challenge_method'));
  }
  try {
    grantScopes(realm, client, request.scope);
  } catch (err) {
    if (err instanceof OAuthError) fail(err);
    throw err;
  }
  return { client, request };
}
