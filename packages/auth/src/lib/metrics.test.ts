import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { createAccessTokenVerifier, createTokenProvider } from '../index.ts';
import { silentLogger, startTestIssuer } from '../testing/index.ts';

class Reader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}
const reader = new Reader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

async function value(name: string, attributes: Attributes): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as Array<DataPoint<number>>)
    .filter((point) => Object.entries(attributes).every(([key, v]) => point.attributes[key] === v))
    .reduce((sum, point) => sum + point.value, 0);
}

/** Runs `action` and returns how much the metric moved. */
async function moved(name: string, attributes: Attributes, action: () => Promise<unknown>): Promise<number> {
  const before = await value(name, attributes);
  await action();
  return (await value(name, attributes)) - before;
}

test(
  'each verification counts its outcome and the precise reason of a refusal',
  { timeout: 10_000 },
  async () => {
    const issuer = await startTestIssuer();
    const other = await startTestIssuer();
    try {
      const verifier = createAccessTokenVerifier({
        idp: issuer.idp,
        audience: 'payment-service',
        logger: silentLogger,
      });
      const refused = (reason: string, token: Promise<string>) =>
        moved('auth.token.verifications', { outcome: 'refused', reason }, async () =>
          assert.rejects(verifier.verify(await token)),
        );
      const good = issuer.serviceToken({ clientId: 'shop-api', audience: 'payment-service' });
      assert.equal(
        await moved('auth.token.verifications', { outcome: 'accepted' }, async () =>
          verifier.verify(await good),
        ),
        1,
      );
      assert.ok(
        (await value('auth.jwks.fetches', { outcome: 'success' })) >= 1,
        'the first verification fetched the JWKS',
      );
      assert.equal(await refused('aud_mismatch', issuer.userToken({ audience: 'shop-api' })), 1);
      assert.equal(
        await refused(
          'expired',
          issuer.serviceToken({ clientId: 'shop-api', audience: 'payment-service', expiresInSec: -120 }),
        ),
        1,
      );
      assert.equal(await refused('malformed', Promise.resolve('not-a-jwt')), 1);
      // Signed by a key the JWKS does not hold.
      const foreign = other.serviceToken({ clientId: 'shop-api', audience: 'payment-service' });
      const unknownKey = await moved('auth.token.verifications', { outcome: 'refused' }, async () =>
        assert.rejects(verifier.verify(await foreign)),
      );
      assert.equal(unknownKey, 1);
    } finally {
      await issuer.close();
      await other.close();
    }
  },
);

test('a JWKS fetch that fails counts as a failure', { timeout: 10_000 }, async () => {
  const verifier = createAccessTokenVerifier({
    idp: {
      issuer: 'http://127.0.0.1:9/realms/techstore',
      jwksUri: 'http://127.0.0.1:9/realms/techstore/protocol/openid-connect/certs',
      tokenEndpoint: 'http://127.0.0.1:9/realms/techstore/protocol/openid-connect/token',
    } as never,
    audience: 'payment-service',
    logger: silentLogger,
  });
  const issuer = await startTestIssuer();
  try {
    const token = await issuer.serviceToken({ clientId: 'shop-api', audience: 'payment-service' });
    const failures = await moved('auth.jwks.fetches', { outcome: 'failure' }, () =>
      assert.rejects(verifier.verify(token)),
    );
    assert.ok(failures >= 1);
    assert.ok((await value('auth.token.verifications', { outcome: 'unavailable' })) >= 1);
  } finally {
    await issuer.close();
  }
});

test('service-token requests and cache hits are counted per scope', { timeout: 10_000 }, async () => {
  const issuer = await startTestIssuer();
  try {
    const tokens = createTokenProvider({
      tokenEndpoint: issuer.idp.tokenEndpoint,
      clientId: 'shop-api',
      clientSecret: issuer.clientSecret('shop-api'),
      logger: silentLogger,
    });
    const scope = { scope: 'payment-api', audience: '' };
    const requested = await moved(
      'auth.service_token.requests',
      { ...scope, outcome: 'issued' },
      async () => {
        await Promise.all(Array.from({ length: 5 }, () => tokens.getToken({ scope: 'payment-api' })));
      },
    );
    assert.equal(requested, 1, 'five concurrent callers, one token request');
    const hits = await moved('auth.service_token.cache', { ...scope, result: 'hit' }, () =>
      tokens.getToken({ scope: 'payment-api' }),
    );
    assert.equal(hits, 1);
    assert.equal(await value('auth.service_token.cache', { ...scope, result: 'miss' }), 5);
    assert.equal(await value('auth.service_token.requests', { scope: 'inventory-api' }), 0);
  } finally {
    await issuer.close();
  }
});
