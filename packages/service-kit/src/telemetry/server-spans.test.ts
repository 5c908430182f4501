import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enableServerSpans, tracedRequestListener } from './server-spans.ts';
import { untraceIncomingRequests } from './untraced-requests.ts';

test('a service predicate that throws leaves the request untraced, never unanswered', async (t) => {
  enableServerSpans();
  untraceIncomingRequests(() => {
    throw new Error('a broken predicate');
  });
  const server = createServer(tracedRequestListener((_request, response) => response.end('answered')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/anything`);
  assert.equal(await response.text(), 'answered');
});
