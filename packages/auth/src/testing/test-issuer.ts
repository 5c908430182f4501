import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, jwtVerify } from 'jose';
import type { JWTHeaderParameters } from 'jose';
import type { KeycloakEndpoints } from '../config/idp-endpoints.ts';
import { keycloakEndpoints } from '../config/idp-endpoints.ts';
import { authenticateClient } from './client-auth.ts';
import type { TestClient } from './default-clients.ts';
import { techstoreClients } from './default-clients.ts';
import type { SigningAlg } from './key-ring.ts';
import { KeyRing } from './key-ring.ts';
import type { ServiceTokenOptions, UserTokenOptions } from './token-claims.ts';
import { serviceClaims, userClaims } from './token-claims.ts';

export interface TestIssuerOptions {
  realm?: string;
  /** Keycloak's relative path, e.g. '/auth'. Default ''. */
  relativePath?: string;
  /** The public origin stamped into `iss` (like KC_HOSTNAME). Default: the server's own origin. */
  publicUrl?: string;
  /** Registered confidential clients. Default: the MockMart realm's clients with random secrets. */
  clients?: Record<string, TestClient>;
  /** Default access-token lifetime, seconds. Default 300. */
  tokenLifetimeSec?: number;
  /** Signing algorithms to publish keys for. Default ['RS256', 'PS256', 'ES256']. */
  algorithms?: SigningAlg[];
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
}

/** Fault switches for reliability tests; change them at any time. */
export interface IssuerFaults {
  /** 'down' → 503; 'slow' → answer after jwksDelayMs; 'hang' → never answer. */
  jwks: 'ok' | 'down' | 'slow' | 'hang';
  jwksDelayMs: number;
  /** 'down' → 503; 'rate-limited' → 429 + Retry-After; 'slow' → answer after tokenDelayMs; 'reset' → drop the connection. */
  token: 'ok' | 'down' | 'rate-limited' | 'slow' | 'reset';
  tokenDelayMs: number;
  /** When a number, only this many token requests fail (then the fault clears itself). */
  tokenFailuresLeft: number | undefined;
  retryAfterSec: number;
  introspection: 'ok' | 'down';
}

export interface SignOptions {
  alg?: string;
  /** Extra or overriding protected-header parameters (kid, typ, jku, …). */
  header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
}

export interface TestIssuer {
  /** The server's own origin, e.g. http://127.0.0.1:43121 (the "internal" URL). */
  readonly url: string;
  /** The issuer tokens carry (public URL). */
  readonly issuer: string;
  readonly realm: string;
  /** keycloakEndpoints() for this issuer: issuer from publicUrl, endpoints from the server's origin. */
  readonly idp: KeycloakEndpoints;
  readonly faults: IssuerFaults;
  readonly counts: { token: number; jwks: number; discovery: number; introspection: number };
  clientSecret(clientId: string): string;
  registerClient(clientId: string, client: TestClient): void;
  userToken(options?: UserTokenOptions): Promise<string>;
  serviceToken(options: ServiceTokenOptions): Promise<string>;
  /** Signs exactly `claims` with the active key for `alg` (default RS256); header overridable. */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** New active key; the previous one stays published unless retireOld. Returns the new kid. */
  rotateKey(options?: { alg?: SigningAlg; retireOld?: boolean }): Promise<string>;
  /** Makes introspection answer active=false for this token. */
  revoke(token: string): void;
  jwks(): { keys: object[] };
  resetCounts(): void;
  close(): Promise<void>;
}

/**
 * A loopback Keycloak-26-shaped issuer for tests: discovery, JWKS, client_credentials token and
 * introspection endpoints under `{relativePath}/realms/{realm}`, Keycloak token layouts, key
 * rotation, fault switches and request counters. Listens on 127.0.0.1:0.
 *
 * @example
 * const issuer = await startTestIssuer();
 * const token = await issuer.userToken({ username: 'mario', realmRoles: ['user'], audience: 'shop-api' });
 */
export async function startTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const realm = options.realm ?? 'techstore';
  const now = options.now ?? Date.now;
  const lifetime = options.tokenLifetimeSec ?? 300;
  const keys = await KeyRing.create(options.algorithms ?? ['RS256', 'PS256', 'ES256']);
  const clients = new Map(Object.entries(options.clients ?? techstoreClients()));
  const revoked = new Set<string>();
  const faults: IssuerFaults = {
    jwks: 'ok',
    jwksDelayMs: 200,
    token: 'ok',
    tokenDelayMs: 200,
    tokenFailuresLeft: undefined,
    retryAfterSec: 1,
    introspection: 'ok',
  };
  const counts = { token: 0, jwks: 0, discovery: 0, introspection: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function sign(claims: Record<string, unknown>, signOptions: SignOptions = {}): Promise<string> {
    const alg = (signOptions.alg ?? 'RS256') as SigningAlg;
    const key = keys.active(alg);
    return new SignJWT(claims)
      .setProtectedHeader({ alg, typ: 'JWT', kid: key.kid, ...signOptions.header } as JWTHeaderParameters)
      .sign(key.privateKey);
  }

  const nowSec = (): number => Math.floor(now() / 1000);

  async function issueClientToken(
    clientId: string,
    client: TestClient,
    requested: string[],
  ): Promise<Record<string, unknown>> {
    const audience = [...(client.audience ?? [])];
    const roles: Record<string, string[]> = structuredClone(client.clientRoles ?? {});
    for (const scope of requested) {
      const def = client.scopes?.[scope];
      if (def?.audience && !audience.includes(def.audience)) audience.push(def.audience);
      for (const [target, list] of Object.entries(def?.clientRoles ?? {}))
        roles[target] = [...new Set([...(roles[target] ?? []), ...list])];
    }
    const expiresIn = client.tokenLifetimeSec ?? lifetime;
    const scope = ['profile', 'email', ...requested].join(' ');
    const claims = serviceClaims(idp.issuer, realm, nowSec(), expiresIn, {
      clientId,
      audience: audience.length === 0 ? undefined : audience.length === 1 ? audience[0] : audience,
      clientRoles: roles,
      realmRoles: client.realmRoles,
      scope,
      expiresInSec: expiresIn,
    });
    return {
      access_token: await sign(claims),
      expires_in: expiresIn,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope,
    };
  }

  async function handleToken(
    request: IncomingMessage,
    response: ServerResponse,
    form: URLSearchParams,
  ): Promise<void> {
    counts.token++;
    if (faults.token !== 'ok' && (faults.tokenFailuresLeft === undefined || faults.tokenFailuresLeft > 0)) {
      if (faults.tokenFailuresLeft !== undefined) faults.tokenFailuresLeft--;
      if (faults.token === 'reset') return void request.socket.destroy();
      if (faults.token === 'down') return json(response, 503, { error: 'temporarily_unavailable' });
      if (faults.token === 'rate-limited')
        return json(
          response,
          429,
          { error: 'too_many_requests' },
          { 'retry-after': String(faults.retryAfterSec) },
        );
      await delay(faults.tokenDelayMs);
    }
    const clientId = await authenticateClient(request, form, clients, [
      idp.issuer,
      idp.tokenEndpoint,
      `${url}${new URL(idp.tokenEndpoint).pathname}`,
    ]);
    if (clientId === undefined)
      return json(response, 401, {
        error: 'invalid_client',
        error_description: 'Invalid client or Invalid client credentials',
      });
    if (form.get('grant_type') !== 'client_credentials')
      return json(response, 400, {
        error: 'unsupported_grant_type',
        error_description: 'Unsupported grant_type',
      });
    const client = clients.get(clientId) as TestClient;
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const unknown = requested.filter(
      (scope) => client.scopes?.[scope] === undefined && !['profile', 'email', 'openid'].includes(scope),
    );
    if (unknown.length > 0)
      return json(response, 400, {
        error: 'invalid_scope',
        error_description: `Invalid scopes: ${unknown.join(' ')}`,
      });
    json(
      response,
      200,
      await issueClientToken(
        clientId,
        client,
        requested.filter((s) => !['profile', 'email', 'openid'].includes(s)),
      ),
    );
  }

  async function handleIntrospection(
    request: IncomingMessage,
    response: ServerResponse,
    form: URLSearchParams,
  ): Promise<void> {
    counts.introspection++;
    if (faults.introspection === 'down') return json(response, 503, { error: 'temporarily_unavailable' });
    const caller = await authenticateClient(request, form, clients, [idp.issuer]);
    if (caller === undefined)
      return json(response, 401, {
        error: 'invalid_client',
        error_description: 'Invalid client or Invalid client credentials',
      });
    const token = form.get('token') ?? '';
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = keys.byKid(header.kid);
          if (!key) throw new Error('unknown kid');
          return key.publicJwk;
        },
        { issuer: idp.issuer, currentDate: new Date(now()) },
      );
      const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
      // KC ≥ 26.6.2: the calling client must be in the token's audience.
      if (revoked.has(payload.jti ?? '') || payload.typ !== 'Bearer' || !aud.includes(caller))
        return json(response, 200, { active: false });
      json(response, 200, {
        ...payload,
        client_id: payload.azp,
        username: payload.preferred_username,
        token_type: 'Bearer',
        active: true,
      });
    } catch {
      json(response, 200, { active: false });
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', url).pathname;
    const base = new URL(idp.discoveryUrl).pathname.replace(/\/\.well-known\/openid-configuration$/, '');
    if (request.method === 'GET' && path === `${base}/.well-known/openid-configuration`) {
      counts.discovery++;
      return json(response, 200, discovery());
    }
    if (request.method === 'GET' && path === `${base}/protocol/openid-connect/certs`) {
      counts.jwks++;
      if (faults.jwks === 'down') return json(response, 503, { error: 'unavailable' });
      if (faults.jwks === 'hang') return void (await delay(600_000));
      if (faults.jwks === 'slow') await delay(faults.jwksDelayMs);
      return json(response, 200, keys.jwks(), { 'content-type': 'application/jwk-set+json' });
    }
    if (
      request.method === 'POST' &&
      (path === `${base}/protocol/openid-connect/token` ||
        path === `${base}/protocol/openid-connect/token/introspect`)
    ) {
      const form = new URLSearchParams(await readBody(request));
      return path.endsWith('/introspect')
        ? handleIntrospection(request, response, form)
        : handleToken(request, response, form);
    }
    json(response, 404, { error: 'not_found' });
  }

  function discovery(): Record<string, unknown> {
    return {
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/protocol/openid-connect/auth`,
      token_endpoint: idp.tokenEndpoint,
      introspection_endpoint: idp.introspectionEndpoint,
      userinfo_endpoint: idp.userinfoEndpoint,
      end_session_endpoint: idp.endSessionEndpoint,
      jwks_uri: idp.jwksUri,
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      id_token_signing_alg_values_supported: ['PS256', 'RS256', 'ES256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['plain', 'S256'],
    };
  }

  const server = createServer((request, response) => {
    route(request, response).catch(() => {
      if (!response.headersSent) json(response, 500, { error: 'server_error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: KeycloakEndpoints = keycloakEndpoints({
    publicUrl: options.publicUrl ?? url,
    internalUrl: url,
    realm,
    relativePath: options.relativePath,
  });

  return {
    url,
    issuer: idp.issuer,
    realm,
    idp,
    faults,
    counts,
    clientSecret(clientId) {
      const value = clients.get(clientId)?.secret;
      if (value === undefined) throw new Error(`test issuer has no client ${clientId} with a secret`);
      return value;
    },
    registerClient(clientId, client) {
      clients.set(clientId, client);
    },
    userToken: (tokenOptions = {}) =>
      sign(userClaims(idp.issuer, realm, nowSec(), lifetime, tokenOptions), { alg: tokenOptions.alg }),
    serviceToken: (tokenOptions) =>
      sign(serviceClaims(idp.issuer, realm, nowSec(), lifetime, tokenOptions), { alg: tokenOptions.alg }),
    sign,
    rotateKey: (rotateOptions = {}) =>
      keys.rotate(rotateOptions.alg ?? 'RS256', rotateOptions.retireOld ?? false),
    revoke(token) {
      const [, body] = token.split('.');
      const jti = (JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as { jti?: string }).jti;
      if (jti) revoked.add(jti);
    },
    jwks: () => keys.jwks(),
    resetCounts() {
      counts.token = counts.jwks = counts.discovery = counts.introspection = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
