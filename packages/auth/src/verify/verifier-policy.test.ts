import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccessTokenVerifier } from '../index.ts';
import { silentLogger, startTestIssuer } from '../testing/index.ts';
import type { TestIssuer } from '../testing/index.ts';

describe('verifier policy options', { timeout: 20_000 }, () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(async () => {
    await issuer.close();
  });
  const verifier = (extra: Record<string, unknown> = {}) =>
    createAccessTokenVerifier({ idp: issuer.idp, audience: 'shop-api', logger: silentLogger, ...extra });

  test('accepts RFC 9068 at+jwt tokens only when configured', async () => {
    const claims = {
      iss: issuer.issuer,
      aud: 'shop-api',
      sub: 's',
      client_id: 'gateway',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
      jti: 'j',
    };
    const atJwt = await issuer.sign(claims, { header: { typ: 'at+jwt' } });
    await assert.rejects(verifier().verify(atJwt), { reason: 'typ_mismatch' });
    assert.equal((await verifier({ tokenType: 'rfc9068' }).verify(atJwt)).clientId, 'gateway');
    assert.equal((await verifier({ tokenType: 'either' }).verify(atJwt)).subject, 's');
    const keycloak = await issuer.userToken({ audience: 'shop-api' });
    await assert.rejects(verifier({ tokenType: 'rfc9068' }).verify(keycloak), { reason: 'typ_mismatch' });
    assert.equal((await verifier({ tokenType: 'either' }).verify(keycloak)).username, 'mario');
  });

  test('a Keycloak 24 access token (typ Bearer with nonce) is accepted; ID tokens are still refused', async () => {
    // Before Keycloak 25, access tokens from the code flow carried the login's nonce and session_state.
    const kc24 = await issuer.userToken({
      audience: 'shop-api',
      claims: { nonce: 'n-0S6_WzA2Mj', session_state: 'c1d2e3' },
    });
    assert.equal((await verifier().verify(kc24)).username, 'mario');
    const idToken = await issuer.userToken({ audience: 'shop-api', claims: { typ: 'ID', nonce: 'n-1' } });
    await assert.rejects(verifier().verify(idToken), { reason: 'typ_mismatch' });
    // Under the RFC 9068 profile the payload typ is not required: a nonce without typ Bearer is an ID token.
    const untyped = await issuer.userToken({
      audience: 'shop-api',
      omit: ['typ'],
      claims: { nonce: 'n-2', client_id: 'gateway' },
    });
    const atJwt = await issuer.sign(
      JSON.parse(Buffer.from(untyped.split('.')[1] as string, 'base64url').toString()) as Record<
        string,
        unknown
      >,
      { header: { typ: 'at+jwt' } },
    );
    await assert.rejects(verifier({ tokenType: 'rfc9068' }).verify(atJwt), { reason: 'typ_mismatch' });
  });

  test('ID, Refresh, Offline and Logout tokens are refused under every token-type policy, even with an at+jwt header', async () => {
    const base = {
      iss: issuer.issuer,
      aud: 'shop-api',
      sub: 's',
      client_id: 'gateway',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
    };
    const notAccessTokens = {
      ID: { ...base, typ: 'ID', nonce: 'n' },
      Refresh: { ...base, typ: 'Refresh' },
      Offline: { ...base, typ: 'Offline' },
      Logout: {
        ...base,
        typ: 'Logout',
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      },
    };
    for (const policy of ['keycloak', 'rfc9068', 'either'] as const) {
      for (const [kind, claims] of Object.entries(notAccessTokens)) {
        for (const typ of ['JWT', 'at+jwt', 'application/at+jwt']) {
          const token = await issuer.sign(claims, { header: { typ } });
          await assert.rejects(
            verifier({ tokenType: policy }).verify(token),
            { reason: 'typ_mismatch' },
            `${kind} token with header typ ${typ} under policy ${policy}`,
          );
        }
      }
    }
  });

  test('azp allow-list refuses other clients', async () => {
    const v = verifier({ authorizedParties: ['gateway'] });
    assert.equal(
      (await v.verify(await issuer.userToken({ audience: 'shop-api', azp: 'gateway' }))).clientId,
      'gateway',
    );
    await assert.rejects(v.verify(await issuer.userToken({ audience: 'shop-api', azp: 'techstore-cli' })), {
      reason: 'azp_not_allowed',
    });
  });

  test('audience is any-of over an array aud claim', async () => {
    const v = verifier({ audience: ['inventory-service', 'shop-api'] });
    assert.ok(await v.verify(await issuer.userToken({ audience: ['account', 'shop-api'] })));
  });

  test('clock tolerance: accepted within the tolerance, refused beyond it, and capped at 60 s', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await issuer.userToken({
      audience: 'shop-api',
      issuedAt: now - 320,
      expiresInSec: 300,
    });
    assert.ok(await verifier({ clockToleranceSec: 30 }).verify(justExpired));
    await assert.rejects(verifier({ clockToleranceSec: 5 }).verify(justExpired), { reason: 'expired' });
    assert.throws(() => verifier({ clockToleranceSec: 61 }), { code: 'AUTH_CONFIG_INVALID' });
  });

  test('maxTokenAgeSec refuses tokens issued too long ago, and a future iat still says iat_in_future', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await issuer.userToken({ audience: 'shop-api', issuedAt: now - 3600, expiresInSec: 7200 });
    assert.ok(await verifier().verify(old), 'no age limit by default');
    await assert.rejects(verifier({ maxTokenAgeSec: 600 }).verify(old), { reason: 'expired' });
    const future = await issuer.userToken({ audience: 'shop-api', issuedAt: now + 600 });
    await assert.rejects(verifier({ maxTokenAgeSec: 600 }).verify(future), { reason: 'iat_in_future' });
    assert.throws(() => verifier({ maxTokenAgeSec: 0 }), { code: 'AUTH_CONFIG_INVALID' });
  });

  test('required claims are enforced (a lightweight token without sub is refused by default)', async () => {
    await assert.rejects(verifier().verify(await issuer.userToken({ audience: 'shop-api', omit: ['sub'] })), {
      reason: 'missing_claim',
    });
  });

  test('refuses algorithms outside the allow-list even when the key exists', async () => {
    const es = await issuer.userToken({ audience: 'shop-api', alg: 'ES256' });
    await assert.rejects(verifier({ algorithms: ['RS256'] }).verify(es), { reason: 'alg_not_allowed' });
    assert.throws(() => verifier({ algorithms: ['none'] }), { code: 'AUTH_CONFIG_INVALID' });
  });
});
