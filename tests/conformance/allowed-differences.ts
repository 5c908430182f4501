/**
 * Every difference between the embedded idp and Keycloak that the conformance suite still finds,
 * with its reason. `where` is `<case> <path>` as the suite reports it (`*` is any run, so a
 * trailing one covers the subtree; `{a,b}` either alternative). An entry is judged in the run that
 * compares one of its cases: if none of the differences found there matches it, it is stale and the
 * area's last test fails, so name its cases, not `*`. packages/idp/README.md lists the same entries
 * (checked by readme-differences.test.ts).
 */
export interface AllowedDifference {
  where: string;
  reason: string;
}

export const ALLOWED_DIFFERENCES: readonly AllowedDifference[] = [
  {
    where: 'discovery /body/*',
    reason:
      'discovery advertises only what the idp implements (no implicit/hybrid, device, CIBA, PAR, DPoP, registration, JWT-secured responses, encryption, mTLS, pairwise subjects, consent, request objects, front-channel logout); the fields clients read are compared exactly (discovery-read-by-clients)',
  },
  {
    where: 'jwks /body/keys/sig:RS256/x5*',
    reason: 'no X.509 certificate chain (x5c, x5t, x5t#S256) in the JWKS: clients verify with n and e',
  },
  {
    where: 'jwks /body/keys/enc:RSA-OAEP',
    reason: 'no encryption key: the idp does not decrypt request objects or encrypt tokens',
  },
  {
    where: '{code-flow,code-flow-offline,refresh,password *} */refresh_token/header/kid',
    reason:
      "refresh tokens are opaque to clients: the idp names its HMAC key by its RFC 7638 thumbprint, Keycloak by the key's uuid",
  },
  {
    where: '{code-flow,code-flow-offline,refresh,password *} */refresh_token/claims/{aud_x,prov,reuse_id}',
    reason:
      'refresh tokens are opaque to clients: Keycloak 26.7 keeps its own bookkeeping in them (aud_x, prov, reuse_id); the idp keeps the session state server-side',
  },
  {
    where: 'code-flow */code',
    reason:
      'the authorization code is opaque to clients: the idp codes are <random>.<session>.<client session>, Keycloak <uuid>.<random>.<uuid>',
  },
  {
    where: 'introspect user /refresh/body/*',
    reason:
      "introspecting a refresh token, Keycloak 26.7 rebuilds an access token's claims from the session (audience, roles, profile, auth_time, acr); the idp answers the refresh token's own claims, active or not, which is what a client needs to know",
  },
  {
    where: 'introspect user /idToken/body/*',
    reason:
      'the idp introspects access and refresh tokens only (an ID token is active:false); Keycloak 26.7 also answers an ID token active with its claims',
  },
  {
    where: 'logout hint-and-redirect /cookies',
    reason:
      "after logout Keycloak leaves the finished login's AUTH_SESSION_ID and KC_AUTH_SESSION_HASH cookies in the browser; the idp expires them with the SSO cookies (no client reads them)",
  },
  {
    where: 'logout client-id /fields',
    reason:
      'the logout confirmation form carries client_id and post_logout_redirect_uri in hidden fields, where Keycloak keeps them in a server-side logout session named by session_code',
  },
  {
    where: 'admin {users,user lifecycle} /{one,user}/access/impersonate',
    reason:
      'the idp has no impersonation, so it never offers it (Keycloak offers the master admin impersonate: true)',
  },
  {
    where: 'admin user lifecycle /user/email',
    reason:
      "a user update (PUT) keeps the fields it does not name; Keycloak 26.7's user profile treats a missing email as removed",
  },
  {
    where: 'admin roles-clients /roles',
    reason:
      "the idp also synthesises default-roles-<realm> when a realm file (here imported under another name) has none by that name; Keycloak uses the realm's declared default role only",
  },
];
