import { configError } from '../errors.ts';

/**
 * Where the identity provider lives. `issuer` is what tokens carry (the PUBLIC URL, the one the
 * browser used); every other URL is where THIS service reaches the IdP (often an internal URL).
 * Keeping them separate is the fix for problem 1 (issuer mismatch).
 */
export interface IdpEndpoints {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly discoveryUrl?: string | undefined;
  readonly tokenEndpoint?: string | undefined;
  readonly introspectionEndpoint?: string | undefined;
  readonly userinfoEndpoint?: string | undefined;
  readonly endSessionEndpoint?: string | undefined;
}

export interface KeycloakEndpoints extends IdpEndpoints {
  readonly discoveryUrl: string;
  readonly tokenEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly userinfoEndpoint: string;
  readonly endSessionEndpoint: string;
  readonly realm: string;
}

export interface KeycloakEndpointsOptions {
  /** Origin the browser and the token `iss` use, e.g. `https://auth.example.com`. */
  publicUrl: string;
  /** Where this service reaches Keycloak, e.g. `http://keycloak:8080`. Defaults to `publicUrl`. */
  internalUrl?: string | undefined;
  realm: string;
  /** Keycloak's `KC_HTTP_RELATIVE_PATH`: `/auth` for legacy layouts, empty (default) for KC ≥ 17. */
  relativePath?: string | undefined;
}

/**
 * Keycloak preset: issuer from the public URL, back-channel endpoints from the internal one.
 *
 * @example
 * keycloakEndpoints({ publicUrl: 'http://localhost:8080', internalUrl: 'http://127.0.0.1:8081', realm: 'techstore', relativePath: '/auth' })
 * // issuer  = http://localhost:8080/auth/realms/techstore
 * // jwksUri = http://127.0.0.1:8081/auth/realms/techstore/protocol/openid-connect/certs
 */
export function keycloakEndpoints(options: KeycloakEndpointsOptions): KeycloakEndpoints {
  const publicBase = baseUrl('publicUrl', options.publicUrl);
  const internalBase =
    options.internalUrl === undefined ? publicBase : baseUrl('internalUrl', options.internalUrl);
  if (typeof options.realm !== 'string' || !/^[A-Za-z0-9._-]+$/.test(options.realm)) {
    throw configError(
      `keycloakEndpoints: realm must be a non-empty realm name, got ${JSON.stringify(options.realm)}`,
    );
  }
  const path = normaliseRelativePath(options.relativePath);
  const realmPath = `${path}/realms/${encodeURIComponent(options.realm)}`;
  const publicRealm = `${publicBase}${realmPath}`;
  const internalRealm = `${internalBase}${realmPath}`;
  const oidc = `${internalRealm}/protocol/openid-connect`;
  return Object.freeze({
    realm: options.realm,
    issuer: publicRealm,
    discoveryUrl: `${internalRealm}/.well-known/openid-configuration`,
    jwksUri: `${oidc}/certs`,
    tokenEndpoint: `${oidc}/token`,
    introspectionEndpoint: `${oidc}/token/introspect`,
    userinfoEndpoint: `${oidc}/userinfo`,
    // Browser-facing: Keycloak itself publishes the frontend URL for the logout endpoint.
    endSessionEndpoint: `${publicRealm}/protocol/openid-connect/logout`,
  });
}

/** Generic OIDC provider: explicit issuer and JWKS URL (plus optional others), validated and frozen. */
export function oidcEndpoints(endpoints: IdpEndpoints): IdpEndpoints {
  const checked: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(endpoints)) {
    if (value === undefined) continue;
    if (key === 'realm') continue;
    checked[key] = absoluteUrl(key, value as string);
  }
  if (!checked.issuer) throw configError('idp.issuer is required (the exact `iss` your tokens carry)');
  if (!checked.jwksUri)
    throw configError('idp.jwksUri is required (where this service fetches the signing keys)');
  return Object.freeze({ ...endpoints, ...checked }) as IdpEndpoints;
}

function baseUrl(name: string, value: string): string {
  const url = absoluteUrl(name, value);
  const parsed = new URL(url);
  if (parsed.search || parsed.hash) throw configError(`${name} must not carry a query or fragment: ${value}`);
  return url.replace(/\/+$/, '');
}

function absoluteUrl(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw configError(`${name} is required`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw configError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw configError(`${name} must use http or https, got ${parsed.protocol}`);
  }
  return value;
}

function normaliseRelativePath(path: string | undefined): string {
  if (path === undefined || path === '' || path === '/') return '';
  const trimmed = `/${path.replace(/^\/+|\/+$/g, '')}`;
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed))
    throw configError(`relativePath must look like "/auth", got ${JSON.stringify(path)}`);
  return trimmed;
}
