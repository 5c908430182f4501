import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ScrubSpanProcessor } from './scrub-span-processor.ts';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYXJpbyJ9.c2lnbmF0dXJl';

test('span attributes and events keep harmless query parameters and lose codes, states, nonces and tokens', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new ScrubSpanProcessor(), new SimpleSpanProcessor(exporter)],
  });
  const span = provider.getTracer('test').startSpan('GET /bff/callback');
  span.setAttributes({
    'url.full': 'http://localhost:8080/bff/callback?code=AUTHCODE123&state=STATE456&iss=http%3A%2F%2Fidp',
    'url.query': 'search=laptop&nonce=NONCE789&page=2',
    'http.target': `/auth/realms/techstore/protocol/openid-connect/logout?id_token_hint=${JWT}&client_id=gateway`,
    'enduser.email': 'mario@example.com',
    'http.route': '/bff/callback',
    'http.response.status_code': 302,
  });
  span.addEvent('exception', { 'exception.message': 'refused http://idp/cb?session_state=SESSION1' });
  span.end();
  await provider.forceFlush();

  const [finished] = exporter.getFinishedSpans();
  const attributes = finished!.attributes;
  assert.equal(
    attributes['url.full'],
    'http://localhost:8080/bff/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fidp',
  );
  assert.equal(attributes['url.query'], 'search=laptop&nonce=[redacted]&page=2');
  assert.equal(
    attributes['http.target'],
    '/auth/realms/techstore/protocol/openid-connect/logout?id_token_hint=[redacted]&client_id=gateway',
  );
  assert.equal(attributes['enduser.email'], '[redacted]');
  assert.equal(attributes['http.route'], '/bff/callback');
  assert.equal(attributes['http.response.status_code'], 302);
  assert.equal(
    finished!.events[0]!.attributes!['exception.message'],
    'refused http://idp/cb?session_state=[redacted]',
  );
  const text = JSON.stringify(finished!.attributes) + JSON.stringify(finished!.events);
  for (const secret of ['AUTHCODE123', 'STATE456', 'NONCE789', 'SESSION1', JWT.split('.')[1]!])
    assert.ok(!text.includes(secret), `leaked ${secret}`);
});
