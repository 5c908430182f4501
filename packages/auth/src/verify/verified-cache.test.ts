// The verified-token cache's cheap index (signature tail) and admission table must never change what
// a verification returns: only the whole token, confirmed by SHA-256, is ever served from the cache.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccessTokenVerifier } from '../index.ts';
import { sha256, tokenIndex } from '../lib/hash.ts';
import { SeenFilter } from '../lib/seen-filter.ts';
import { silentLogger, startTestIssuer } from '../testing/index.ts';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verified-token cache index', { timeout: 20_000 }, () => {
  test('a forged token sharing a cached token’s signature is verified in full and refused', async () => {
    const issuer = await startTestIssuer({ algorithms: ['RS256'] });
    try {
      const verifier = createAccessTokenVerifier({
        idp: issuer.idp,
        audience: 'shop-api',
        logger: silentLogger,
      });
      const token = await issuer.userToken({ audience: 'shop-api', realmRoles: ['user'] });
      for (let i = 0; i < 3; i++) await verifier.verify(token);
      assert.equal(verifier.stats.cacheHits, 1, 'admitted on second sight, served on the third');

      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const forged = `${header}.${b64({ ...claims, realm_access: { roles: ['admin'] } })}.${signature}`;
      assert.equal(tokenIndex(forged), tokenIndex(token), 'same cache index');
      assert.notEqual(sha256(forged), sha256(token));
      for (let i = 0; i < 3; i++) await assert.rejects(verifier.verify(forged), { reason: 'signature' });
      assert.equal(verifier.stats.cacheHits, 1, 'the forgery never hit');

      const principal = await verifier.verify(token);
      assert.ok(principal.realmRoles.includes('user') && !principal.realmRoles.includes('admin'));
      assert.equal(verifier.stats.cacheHits, 2, 'the genuine token is still cached');
    } finally {
      await issuer.close();
    }
  });

  test('one-off tokens are not cached; a token seen twice is', async () => {
    const issuer = await startTestIssuer({ algorithms: ['RS256'] });
    try {
      const verifier = createAccessTokenVerifier({
        idp: issuer.idp,
        audience: 'shop-api',
        logger: silentLogger,
      });
      const tokens = await Promise.all(
        Array.from({ length: 50 }, (_, i) => issuer.userToken({ username: `u${i}`, audience: 'shop-api' })),
      );
      for (const token of tokens) await verifier.verify(token);
      assert.equal(verifier.stats.cacheHits, 0);
      for (const token of tokens) await verifier.verify(token);
      assert.equal(verifier.stats.cacheHits, 0, 'second sight admits, it does not serve');
      // Two of the 50 may share a doorkeeper slot (≈4 % with the default table): the later one
      // overwrites the earlier's sighting, which then waits for another sight to be admitted. So
      // each token is checked on its own: seen twice in a row, it is served from then on.
      for (const token of tokens) {
        await verifier.verify(token);
        await verifier.verify(token);
        const hits: number = verifier.stats.cacheHits;
        await verifier.verify(token);
        assert.equal(verifier.stats.cacheHits, hits + 1, 'served once seen twice');
      }
    } finally {
      await issuer.close();
    }
  });
});

describe(
  'verified-token cache never outlives a check a fresh verification would make',
  { timeout: 20_000 },
  () => {
    test('a cached token is refused once it is older than maxTokenAgeSec, though its exp is later', async () => {
      let clock = Date.now();
      const issuer = await startTestIssuer({ algorithms: ['RS256'] });
      try {
        const verifier = createAccessTokenVerifier({
          idp: issuer.idp,
          audience: 'shop-api',
          maxTokenAgeSec: 60,
          now: () => clock,
          logger: silentLogger,
        });
        const token = await issuer.userToken({
          audience: 'shop-api',
          issuedAt: Math.floor(clock / 1000),
          expiresInSec: 600,
        });
        for (let i = 0; i < 3; i++) await verifier.verify(token);
        assert.equal(verifier.stats.cacheHits, 1, 'cached');
        clock += 120_000; // past iat + maxTokenAgeSec (+ tolerance), well before exp
        await assert.rejects(verifier.verify(token), { reason: 'expired' });
      } finally {
        await issuer.close();
      }
    });

    test('a cached token without a kid is refused once its signing key is no longer published', async () => {
      const issuer = await startTestIssuer({ algorithms: ['RS256'] });
      try {
        const verifier = createAccessTokenVerifier({
          idp: issuer.idp,
          audience: 'shop-api',
          logger: silentLogger,
        });
        const now = Math.floor(Date.now() / 1000);
        const claims = {
          iss: issuer.issuer,
          aud: 'shop-api',
          sub: 'mario',
          azp: 'gateway',
          typ: 'Bearer',
          iat: now,
          exp: now + 300,
        };
        // No kid: jose picks the JWKS's only RSA signing key.
        const kidless = await issuer.sign(claims, { header: { kid: undefined } });
        for (let i = 0; i < 3; i++) await verifier.verify(kidless);
        // The key is revoked (rotated out of the JWKS); a token with the new kid makes the verifier refetch.
        await issuer.rotateKey({ retireOld: true });
        await verifier.verify(await issuer.sign(claims));
        await assert.rejects(verifier.verify(kidless), { reason: 'signature' });
      } finally {
        await issuer.close();
      }
    });
  },
);

describe('SeenFilter and tokenIndex', () => {
  test('remembers a sighting, tells distinct tokens apart, stays a small integer index', () => {
    const filter = new SeenFilter(1000);
    const tokens = Array.from({ length: 500 }, (_, i) => `h.p.${sha256(`token ${i}`)}${sha256(`tail ${i}`)}`);
    for (const token of tokens) assert.equal(filter.seenBefore(token), false);
    // 500 random tokens in 2,048 slots: ~57 slot collisions, and each costs both tokens their
    // second-sight admission here (the miss re-records over the other), so ~390 are expected.
    const remembered = tokens.filter((token) => filter.seenBefore(token)).length;
    assert.ok(remembered >= 360, `most sightings survive in a table of 2,048 slots (${remembered})`);
    assert.equal(filter.seenBefore(tokens[0] as string), true, 'just recorded');
    const indexes = new Set(tokens.map(tokenIndex));
    assert.equal(indexes.size, tokens.length);
    for (const index of indexes) assert.ok(Number.isInteger(index) && index >= 0 && index < 2 ** 30);
    assert.equal(tokenIndex('x'), tokenIndex('x'), 'short input is fine');
  });
});
