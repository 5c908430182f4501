// The JWT attack catalog: every row is refused with the
// right status, through the real Fastify adapter, with the precise reason only in the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import {
  createAccessTokenVerifier,
  requireRealmRoles,
  requireServiceAccount,
  requireUser,
} from '../index.ts';
import { authPlugin } from '../fastify/index.ts';
import { captureLogger, startTestIssuer } from '../testing/index.ts';
import type { TestIssuer } from '../testing/index.ts';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWT attack catalog', { timeout: 30_000 }, () => {
  let issuer: TestIssuer;
  let app: FastifyInstance;
  let attacker: Server;
  let attackerUrl: string;
  let attackerHits = 0;
  const logger = captureLogger();
  const nowSec = () => Math.floor(Date.now() / 1000);
  let claims: Record<string, unknown>;
  let realKid: string;

  before(async () => {
    issuer = await startTestIssuer();
    attacker = createServer((_request, response) => {
      attackerHits++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/jwks.json`;
    const verifier = createAccessTokenVerifier({ idp: issuer.idp, audience: 'shop-api', logger });
    app = Fastify();
    await app.register(authPlugin, { verifier });
    app.get('/me', { config: { auth: requireUser() } }, async () => ({ ok: true }));
    app.get('/admin', { config: { auth: requireRealmRoles('admin') } }, async () => ({ ok: true }));
    app.post(
      '/m2m',
      { config: { auth: requireServiceAccount({ clientRoles: { 'shop-api': ['orders:sync'] } }) } },
      async () => ({ ok: true }),
    );
    await app.ready();
    const valid = await issuer.userToken({ audience: 'shop-api' });
    claims = JSON.parse(Buffer.from(valid.split('.')[1] as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    realKid = (
      JSON.parse(Buffer.from(valid.split('.')[0] as string, 'base64url').toString()) as { kid: string }
    ).kid;
    // Warm the key cache with a valid request, as a running service would have.
    assert.equal((await call('/me', valid)).statusCode, 200);
  });

  after(async () => {
    await app.close();
    attacker.closeAllConnections();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
    await issuer.close();
  });

  function call(url: string, token: string, method: 'GET' | 'POST' = 'GET') {
    return app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
  }

  async function assertRefused(
    token: string,
    reason: string,
    status = 401,
    url = '/me',
    method: 'GET' | 'POST' = 'GET',
  ): Promise<void> {
    const before = logger.entries.length;
    const response = await call(url, token, method);
    assert.equal(response.statusCode, status, response.body);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.match(
      String(response.headers['www-authenticate']),
      status === 401 ? /error="invalid_token"/ : /error="insufficient_scope"/,
    );
    const logged = logger.entries.slice(before).map((entry) => entry.fields.reason as string | undefined);
    assert.ok(logged.includes(reason as never), `expected reason ${reason}, logged ${logged.join(',')}`);
    assert.ok(!logger.text().includes(token), 'a token must never be logged');
    assert.ok(
      !response.body.includes(reason) || reason === 'forbidden',
      'the reason stays out of the response',
    );
  }

  test('alg: none (CVE-2015-2951) is refused', async () => {
    await assertRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'alg_not_allowed');
  });

  test('RS256 → HS256 confusion with the public key as HMAC secret (CVE-2016-10555) is refused', async () => {
    const jwk = issuer.jwks().keys.find((key) => (key as { kid?: string }).kid === realKid) as Record<
      string,
      string
    >;
    const { importJWK } = await import('jose');
    const publicKey = await importJWK(jwk, 'RS256', { extractable: true });
    const pem = await exportSPKI(publicKey as CryptoKey);
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: realKid })
      .sign(new TextEncoder().encode(pem));
    await assertRefused(forged, 'alg_not_allowed');
    assert.throws(
      () => createAccessTokenVerifier({ idp: issuer.idp, audience: 'shop-api', algorithms: ['HS256'] }),
      { code: 'AUTH_CONFIG_INVALID' },
    );
  });

  test('an embedded jwk header is never trusted (CVE-2018-0114)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: realKid, jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    await assertRefused(forged, 'forbidden_header');
  });

  test('jku and x5u headers pointing at attacker keys are refused without any outbound fetch (SSRF)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    for (const header of ['jku', 'x5u'] as const) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'attacker', [header]: attackerUrl })
        .sign(privateKey);
      await assertRefused(forged, 'forbidden_header');
    }
    assert.equal(attackerHits, 0);
  });

  test('kid injection (path traversal, SQL) is only matched against the in-memory JWKS', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const jwksBefore = issuer.counts.jwks;
    for (const kid of ['../../../../dev/null', "' OR '1'='1' --", 'x'.repeat(500)]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
      await assertRefused(forged, 'kid_unknown');
    }
    assert.ok(issuer.counts.jwks - jwksBefore <= 1, 'unknown kids trigger at most one bounded refetch');
  });

  test('an ES256 zero signature ("psychic signatures", CVE-2022-21449) is refused', async () => {
    const es = await issuer.userToken({ audience: 'shop-api', alg: 'ES256' });
    assert.equal((await call('/me', es)).statusCode, 200, 'a genuine ES256 token passes');
    const [header, payload] = es.split('.');
    await assertRefused(`${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`, 'signature');
  });

  test('a tampered payload and a stripped signature are refused', async () => {
    const valid = await issuer.userToken({ audience: 'shop-api' });
    const [header, , signature] = valid.split('.');
    const elevated = { ...claims, realm_access: { roles: ['admin'] } };
    await assertRefused(`${header}.${b64(elevated)}.${signature}`, 'signature', 401, '/admin');
    await assertRefused(`${header}.${b64(claims)}.`, 'signature');
  });

  test('forged role claims signed with a key the IdP never published are refused', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ ...claims, realm_access: { roles: ['admin'] } })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: realKid })
      .sign(privateKey);
    await assertRefused(forged, 'signature', 401, '/admin');
  });

  test('expired, not-yet-valid and exp-less tokens are refused', async () => {
    await assertRefused(
      await issuer.userToken({ audience: 'shop-api', issuedAt: nowSec() - 3600, expiresInSec: 60 }),
      'expired',
    );
    await assertRefused(
      await issuer.userToken({ audience: 'shop-api', claims: { nbf: nowSec() + 600 } }),
      'not_yet_valid',
    );
    await assertRefused(await issuer.userToken({ audience: 'shop-api', omit: ['exp'] }), 'missing_claim');
  });

  test('a token issued in the future (iat beyond the clock tolerance) is refused', async () => {
    await assertRefused(
      await issuer.userToken({ audience: 'shop-api', issuedAt: nowSec() + 600 }),
      'iat_in_future',
    );
    const slightlyAhead = await issuer.userToken({ audience: 'shop-api', issuedAt: nowSec() + 5 });
    assert.equal((await call('/me', slightlyAhead)).statusCode, 200, 'within the 30 s tolerance');
  });

  test('a token from another realm or IdP (wrong iss) is refused', async () => {
    await assertRefused(await issuer.sign({ ...claims, iss: `${issuer.url}/realms/other` }), 'iss_mismatch');
  });

  test('a token minted for another service (wrong aud) is refused', async () => {
    await assertRefused(await issuer.userToken({ audience: 'payment-service' }), 'aud_mismatch');
  });

  test('ID, refresh and logout tokens are never accepted as access tokens', async () => {
    await assertRefused(await issuer.sign({ ...claims, typ: 'ID', nonce: 'n-1' }), 'typ_mismatch');
    await assertRefused(await issuer.sign({ ...claims, typ: 'Refresh' }), 'typ_mismatch');
    await assertRefused(
      await issuer.sign({
        ...claims,
        typ: 'Logout',
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      }),
      'typ_mismatch',
    );
    // Keycloak signs refresh tokens with its HS512 realm secret: refused by algorithm first.
    const hs = await new SignJWT({ ...claims, typ: 'Refresh' })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new Uint8Array(64));
    await assertRefused(hs, 'alg_not_allowed');
  });

  test('a sender-constrained token (cnf: DPoP jkt or mTLS x5t#S256) presented as plain Bearer is refused', async () => {
    await assertRefused(
      await issuer.userToken({
        audience: 'shop-api',
        claims: { cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' } },
      }),
      'token_bound',
    );
    await assertRefused(
      await issuer.serviceToken({
        clientId: 'gateway',
        audience: 'shop-api',
        claims: { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } },
      }),
      'token_bound',
    );
  });

  test('a token signed with a weak HMAC secret is refused', async () => {
    const weak = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('crapi'));
    await assertRefused(weak, 'alg_not_allowed');
  });

  test('a user token on an M2M-only route, and a service token lacking the client role, get 403', async () => {
    const user = await issuer.userToken({
      audience: 'shop-api',
      email: null,
      azp: 'shop-api',
      clientRoles: { 'shop-api': ['orders:sync'] },
    });
    await assertRefused(user, 'forbidden', 403, '/m2m', 'POST');
    const otherService = await issuer.serviceToken({ clientId: 'order-reconciler', audience: 'shop-api' });
    await assertRefused(otherService, 'forbidden', 403, '/m2m', 'POST');
    const allowed = await issuer.serviceToken({
      clientId: 'gateway',
      audience: 'shop-api',
      clientRoles: { 'shop-api': ['orders:sync'] },
    });
    assert.equal((await call('/m2m', allowed, 'POST')).statusCode, 200);
  });

  test('a Keycloak service token without aud (no audience mapper) is refused by default', async () => {
    const noAudience = await issuer.serviceToken({
      clientId: 'gateway',
      clientRoles: { 'shop-api': ['orders:sync'] },
    });
    await assertRefused(noAudience, 'missing_claim', 401, '/m2m', 'POST');
  });

  test('an oversized token is refused before parsing', async () => {
    await assertRefused(
      await issuer.userToken({ audience: 'shop-api', claims: { padding: 'x'.repeat(9000) } }),
      'too_large',
    );
  });

  test('a JWE (five-part) token and an unknown crit header are refused', async () => {
    await assertRefused('a.b.c.d.e', 'malformed');
    const valid = await issuer.userToken({ audience: 'shop-api' });
    const header = { alg: 'RS256', typ: 'JWT', kid: realKid, crit: ['exp-x'], 'exp-x': 1 };
    await assertRefused(`${b64(header)}.${valid.split('.')[1]}.${valid.split('.')[2]}`, 'malformed');
  });
});
