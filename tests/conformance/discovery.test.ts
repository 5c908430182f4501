/** Discovery, the realm's public document and the JWKS, as clients read them. */
import { test } from 'node:test';
import { conform } from './support/compare.ts';
import { answer } from './support/http.ts';
import { describeConformance } from './support/suite.ts';

/** The discovery fields OIDC clients (openid-client, keycloak-js, oauth4webapi, jose) read. */
const READ_BY_CLIENTS = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'introspection_endpoint',
  'userinfo_endpoint',
  'end_session_endpoint',
  'revocation_endpoint',
  'jwks_uri',
  'check_session_iframe',
  'scopes_supported',
  'claims_supported',
  'code_challenge_methods_supported',
  'backchannel_logout_supported',
  'backchannel_logout_session_supported',
  'authorization_response_iss_parameter_supported',
  'require_pushed_authorization_requests',
];

const discovery = async (url: string) => {
  const { status, body } = await answer(await fetch(`${url}/.well-known/openid-configuration`));
  return { status, body: body as Record<string, unknown> };
};

describeConformance('discovery and keys', (sides) => {
  test('OpenID discovery: the fields clients read, exactly', async () => {
    await conform(sides(), 'discovery-read-by-clients', async (side) => {
      const { status, body } = await discovery(side.realmUrl);
      return { status, body: Object.fromEntries(READ_BY_CLIENTS.map((key) => [key, body[key]])) };
    });
  });

  test('OpenID discovery: the whole document', async () => {
    await conform(sides(), 'discovery', (side) => discovery(side.realmUrl));
  });

  test('the realm public document', async () => {
    await conform(sides(), 'realm', async (side) => answer(await fetch(side.realmUrl)));
  });

  test('JWKS: one signing key per algorithm, its kty, use, alg and kid form', async () => {
    await conform(sides(), 'jwks', async (side) => answer(await fetch(side.oidc('certs'))));
  });
});
