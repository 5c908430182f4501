import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createAccessTokenVerifier } from '../index.ts';
import { silentLogger, startTestIssuer } from '../testing/index.ts';

test(
  'a rejected token records the precise reason on the active span, never the token',
  { timeout: 10_000 },
  async () => {
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const issuer = await startTestIssuer();
    try {
      const verifier = createAccessTokenVerifier({
        idp: issuer.idp,
        audience: 'payment-service',
        logger: silentLogger,
      });
      const token = await issuer.userToken({ audience: 'shop-api' });
      await trace.getTracer('test').startActiveSpan('POST /charges', async (span) => {
        await assert.rejects(verifier.verify(token));
        span.end();
      });
      const request = exporter.getFinishedSpans().find((span) => span.name === 'POST /charges');
      assert.ok(request);
      assert.equal(request.attributes['auth.reason'], 'aud_mismatch');
      assert.match(
        String(request.attributes['auth.detail']),
        /aud_mismatch expected=payment-service actual=shop-api/,
      );
      assert.ok(!JSON.stringify(request.attributes).includes(token));
      assert.ok(exporter.getFinishedSpans().some((span) => span.name === 'auth.jwks.fetch'));
    } finally {
      await issuer.close();
      trace.disable();
      context.disable();
    }
  },
);
