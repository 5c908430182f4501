import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccessTokenVerifier } from '../index.ts';
import type { AccessTokenVerifierOptions } from '../index.ts';
import { captureLogger, silentLogger, startTestIssuer } from '../testing/index.ts';
import type { TestIssuer } from '../testing/index.ts';

describe('signing-key cache (JWKS)', { timeout: 30_000 }, () => {
  const issuers: TestIssuer[] = [];
  afterEach(async () => {
    await Promise.all(issuers.splice(0).map((issuer) => issuer.close()));
  });

  async function setup(extra: Partial<AccessTokenVerifierOptions> = {}) {
    const clock = { now: Date.now() };
    const issuer = await startTestIssuer({ now: () => clock.now });
    issuers.push(issuer);
    const logger = captureLogger();
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'shop-api',
      logger,
      now: () => clock.now,
      verifiedCache: false,
      ...extra,
    });
    return { issuer, verifier, clock, logger };
  }

  test('fetches the JWKS once for 200 concurrent verifications on a cold cache (single flight)', async () => {
    const { issuer, verifier } = await setup();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => issuer.userToken({ audience: 'shop-api' })),
    );
    await Promise.all(Array.from({ length: 200 }, (_, i) => verifier.verify(tokens[i % 20] as string)));
    assert.equal(issuer.counts.jwks, 1);
  });

  test('IdP down with no cached keys → 503 AUTH_IDP_UNAVAILABLE with Retry-After', async () => {
    const { issuer, verifier } = await setup();
    issuer.faults.jwks = 'down';
    await assert.rejects(verifier.verify(await issuer.userToken({ audience: 'shop-api' })), {
      code: 'AUTH_IDP_UNAVAILABLE',
      status: 503,
      retryAfterSec: 10,
      reason: 'jwks_unavailable',
    });
  });

  test('IdP down with cached keys → still verifies, past the cache age, with a warning (stale-if-error)', async () => {
    const { issuer, verifier, clock, logger } = await setup({
      jwks: { cacheMaxAgeMs: 60_000, staleIfErrorMs: 600_000, cooldownMs: 1_000 },
    });
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    issuer.faults.jwks = 'down';
    clock.now += 120_000; // the cached set is expired; refreshing fails
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    assert.equal(issuer.counts.jwks, 2, 'it did try to refresh');
    assert.ok(
      logger.entries.some((entry) => entry.level === 'warn' && /last known good/.test(entry.msg ?? '')),
    );
    clock.now += 600_000; // beyond the stale window: no usable keys any more
    await assert.rejects(verifier.verify(await issuer.userToken({ audience: 'shop-api' })), {
      code: 'AUTH_IDP_UNAVAILABLE',
    });
  });

  test('refreshes ahead of expiry in the background without delaying the request', async () => {
    const { issuer, verifier, clock } = await setup({ jwks: { cacheMaxAgeMs: 100_000, cooldownMs: 1_000 } });
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    clock.now += 85_000; // past 80 % of the max age
    issuer.faults.jwks = 'slow';
    issuer.faults.jwksDelayMs = 2_000;
    const started = Date.now();
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    assert.ok(Date.now() - started < 1_000, 'served from the current set while refreshing');
    const deadline = Date.now() + 5_000;
    while (issuer.counts.jwks < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(issuer.counts.jwks, 2, 'a background refresh reached the IdP');
  });

  test('a key rotated right after the warm-up fetch is picked up at once with one refetch', async () => {
    const { issuer, verifier } = await setup({ jwks: { cooldownMs: 30_000 } });
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    await issuer.rotateKey();
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    assert.equal(issuer.counts.jwks, 2, 'the first fetch (warm-up) does not start a cooldown');
  });

  test('tokens with a new kid arriving together share one refetch and all verify', async () => {
    const { issuer, verifier } = await setup({ jwks: { cooldownMs: 30_000 } });
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    await issuer.rotateKey();
    issuer.faults.jwks = 'slow';
    issuer.faults.jwksDelayMs = 200;
    const tokens = await Promise.all(
      Array.from({ length: 8 }, () => issuer.userToken({ audience: 'shop-api' })),
    );
    await Promise.all(tokens.map((token) => verifier.verify(token)));
    assert.equal(issuer.counts.jwks, 2);
  });

  test('unknown kids refetch at most once per cooldown and are negatively cached', async () => {
    const { issuer, verifier, clock } = await setup({ jwks: { cooldownMs: 30_000 } });
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    const forged = (kid: string) =>
      issuer.sign(
        {
          sub: 'x',
          iss: issuer.issuer,
          aud: 'shop-api',
          typ: 'Bearer',
          iat: Math.floor(clock.now / 1000),
          exp: Math.floor(clock.now / 1000) + 600,
        },
        { header: { kid } },
      );
    await assert.rejects(verifier.verify(await forged('never-published-1')), { reason: 'kid_unknown' });
    assert.equal(issuer.counts.jwks, 2, 'the first unknown kid refetches');
    await issuer.rotateKey();
    const rotated = await issuer.userToken({ audience: 'shop-api' });
    await assert.rejects(
      verifier.verify(rotated),
      { reason: 'kid_unknown' },
      'inside the cooldown: no refetch',
    );
    assert.equal(issuer.counts.jwks, 2);
    clock.now += 31_000;
    await verifier.verify(rotated);
    assert.equal(issuer.counts.jwks, 3);
    clock.now += 31_000;
    await assert.rejects(verifier.verify(await forged('never-published-2')), { reason: 'kid_unknown' });
    clock.now += 31_000;
    await assert.rejects(verifier.verify(await forged('never-published-2')), { reason: 'kid_unknown' });
    assert.equal(
      issuer.counts.jwks,
      4,
      'the second attempt with the same unknown kid is answered from the negative cache',
    );
  });

  test('a token with a new kid while the JWKS cannot be fetched → 503 with Retry-After, not 401 kid_unknown', async () => {
    const { issuer, verifier, clock } = await setup({
      jwks: { cooldownMs: 30_000, failureCooldownMs: 5_000 },
    });
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    await issuer.rotateKey();
    const rotated = await issuer.userToken({ audience: 'shop-api' });
    issuer.faults.jwks = 'down';
    await assert.rejects(verifier.verify(rotated), {
      code: 'AUTH_IDP_UNAVAILABLE',
      status: 503,
      retryAfterSec: 10,
      reason: 'jwks_unavailable',
    });
    assert.equal(issuer.counts.jwks, 2, 'it tried the IdP once');
    await assert.rejects(
      verifier.verify(rotated),
      { status: 503 },
      'inside the failure cooldown: no new fetch',
    );
    assert.equal(issuer.counts.jwks, 2);
    issuer.faults.jwks = 'ok';
    clock.now += 6_000;
    assert.equal(
      (await verifier.verify(rotated)).username,
      'mario',
      'the IdP is back: the new key is fetched',
    );
    assert.equal(issuer.counts.jwks, 3);
  });

  test('with the IdP stopped and no keys cached, requests fail fast with 503 during the failure cooldown', async () => {
    const { issuer, verifier, clock } = await setup({ jwks: { failureCooldownMs: 5_000, timeoutMs: 2_000 } });
    const token = await issuer.userToken({ audience: 'shop-api' });
    issuer.faults.jwks = 'down';
    await assert.rejects(verifier.verify(token), { status: 503 });
    assert.equal(issuer.counts.jwks, 1);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => verifier.verify(token)));
    assert.ok(
      results.every((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 503),
    );
    assert.equal(issuer.counts.jwks, 1, 'no request reached the IdP during the cooldown');
    clock.now += 5_000;
    await assert.rejects(verifier.verify(token), { status: 503 });
    assert.equal(issuer.counts.jwks, 2, 'after the cooldown one request tries again');
    // Stopped altogether (connection refused): same answer, still bounded.
    await issuer.close();
    clock.now += 5_000;
    await assert.rejects(verifier.verify(token), { status: 503, reason: 'jwks_unavailable' });
    await assert.rejects(verifier.verify(token), { status: 503, reason: 'jwks_unavailable' });
    assert.equal(verifier.stats.jwksFetches, 3);
  });

  test('serving stale keys during an outage warns once per interval, not on every request', async () => {
    const { issuer, verifier, clock, logger } = await setup({
      jwks: { cacheMaxAgeMs: 60_000, staleIfErrorMs: 3_600_000, staleWarningIntervalMs: 60_000 },
    });
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    issuer.faults.jwks = 'down';
    clock.now += 120_000;
    const token = await issuer.userToken({ audience: 'shop-api' });
    for (let i = 0; i < 20; i++) await verifier.verify(token);
    const staleWarnings = () =>
      logger.entries.filter((entry) => entry.level === 'warn' && /last known good/.test(entry.msg ?? ''));
    assert.equal(staleWarnings().length, 1);
    clock.now += 60_000;
    await verifier.verify(await issuer.userToken({ audience: 'shop-api' }));
    assert.equal(staleWarnings().length, 2, 'one more after the interval');
    assert.equal(staleWarnings()[1]?.fields.staleServes, 20, 'counting the serves it did not log');
  });

  test('a hanging JWKS endpoint is cut off by the fetch timeout → 503', async () => {
    const { issuer, verifier } = await setup({ jwks: { timeoutMs: 200 } });
    issuer.faults.jwks = 'hang';
    const started = Date.now();
    await assert.rejects(verifier.verify(await issuer.userToken({ audience: 'shop-api' })), {
      code: 'AUTH_IDP_UNAVAILABLE',
    });
    assert.ok(Date.now() - started < 2_000);
  });

  test('ignores the RSA-OAEP encryption key Keycloak publishes next to the signing keys', async () => {
    const { issuer, verifier } = await setup();
    assert.ok(issuer.jwks().keys.some((key) => (key as { use?: string }).use === 'enc'));
    await verifier.ready();
    const principal = await verifier.verify(await issuer.userToken({ audience: 'shop-api', alg: 'PS256' }));
    assert.equal(principal.username, 'mario');
  });
});

describe('verified-token cache', { timeout: 20_000 }, () => {
  test('repeated tokens skip signature verification until exp, and a retired key ends cached acceptance', async () => {
    const clock = { now: Date.now() };
    const issuer = await startTestIssuer({ now: () => clock.now });
    try {
      const verifier = createAccessTokenVerifier({
        idp: issuer.idp,
        audience: 'shop-api',
        logger: silentLogger,
        now: () => clock.now,
        jwks: { cooldownMs: 1_000 },
      });
      const token = await issuer.userToken({ audience: 'shop-api', expiresInSec: 120 });
      for (let i = 0; i < 10; i++) await verifier.verify(token);
      assert.equal(verifier.stats.cacheHits, 8, 'cached from the second verification on');
      clock.now += 200_000; // past exp + tolerance
      await assert.rejects(verifier.verify(token), { reason: 'expired' });

      clock.now = Date.now();
      const fresh = await issuer.userToken({ audience: 'shop-api' });
      await verifier.verify(fresh);
      await verifier.verify(fresh);
      await verifier.verify(fresh);
      assert.equal(verifier.stats.cacheHits, 9);
      await issuer.rotateKey({ retireOld: true });
      clock.now += 700_000; // the JWKS cache expires and refreshes without the old key
      await assert.rejects(verifier.verify(fresh), { reason: 'kid_unknown' });
    } finally {
      await issuer.close();
    }
  });
});
