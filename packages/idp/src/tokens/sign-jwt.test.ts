import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { signJwt } from './sign-jwt.ts';

// RS256 (PKCS#1 v1.5) and HS512 signatures are deterministic, so equal strings prove equal tokens.
describe('signJwt', { timeout: 10_000 }, () => {
  const claims = {
    exp: 1_800_000_300,
    iat: 1_800_000_000,
    jti: 'trrtcc:0a7c5b0e-4a57-4a40-9e57-1b5a2f3c4d5e',
    iss: 'http://localhost:8080/auth/realms/techstore',
    aud: ['inventory-service', 'payment-service'],
    sub: 'a1b2',
    typ: 'Bearer',
    azp: 'shop-api',
    'allowed-origins': ['/*'],
    resource_access: { 'inventory-service': { roles: ['stock:read'] } },
    scope: 'inventory-api',
    clientHost: '127.0.0.1',
    email_verified: false,
    note: 'ünïcödé ✓',
    dropped: undefined,
  };

  test('is byte for byte what SignJWT produces (RS256 and HS512)', async () => {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const header = { alg: 'RS256', typ: 'JWT', kid: 'k1' };
    assert.equal(
      await signJwt(claims, header, privateKey),
      await new SignJWT(claims).setProtectedHeader(header).sign(privateKey),
    );
    const secret = randomBytes(64);
    const hs = { alg: 'HS512', typ: 'JWT', kid: 'h1' };
    assert.equal(
      await signJwt(claims, hs, secret),
      await new SignJWT(claims).setProtectedHeader(hs).sign(secret),
    );
  });

  test('refuses non-finite numeric dates like SignJWT', async () => {
    const secret = randomBytes(64);
    await assert.rejects(
      (async () => signJwt({ exp: Number.POSITIVE_INFINITY }, { alg: 'HS512' }, secret))(),
      /"exp" claim must be a finite number/,
    );
  });
});
