import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createApp } from '@mockmart/service-kit';
import { captureLogs, createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { buildTestGateway } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

/**
 * Requests at the edges of what the gateway proxies: malformed percent-escapes and bodies far
 * over any limit are the client's mistake, answered 400 and 413 problem+json by the gateway — not
 * a 500, nor a 502 because the upstream hung up on a body it would not read.
 */
describe('gateway request edges', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startKitUpstream>>;
  let gateway: Awaited<ReturnType<typeof buildTestGateway>>;

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    upstream = await startKitUpstream();
    gateway = await buildTestGateway(database.db, { SHOP_API_URL: upstream.url, IDP_URL: upstream.url });
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await gateway?.app.close();
    await upstream?.app.close();
    await database?.drop();
  });

  const base = () => `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;

  async function assertProblem(response: Response, status: number, code: string) {
    const text = await response.text();
    assert.equal(response.status, status, text);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal((JSON.parse(text) as { code: string }).code, code);
  }

  test('a malformed percent-escape in a query string is 400 problem+json, on /api and /auth alike', async () => {
    upstream.hits.length = 0;
    for (const path of [
      '/api/products?search=%',
      '/api/products?search=%E0%A4%A',
      '/auth/realms/techstore/.well-known/openid-configuration?x=%FF',
      '/auth/realms/techstore/protocol/openid-connect/auth?client_id=gateway&state=%zz',
    ]) {
      const response = await fetch(`${base()}${path}`);
      await assertProblem(response, 400, 'KIT_VALIDATION_FAILED');
    }
    assert.deepEqual(upstream.hits, [], 'nothing malformed was forwarded');
  });

  test('a well-formed query string still passes through untouched', async () => {
    upstream.hits.length = 0;
    const response = await fetch(`${base()}/api/products?search=caf%C3%A9%20bar&page=1`);
    assert.equal(response.status, 200);
    assert.deepEqual(upstream.hits, ['/api/products?search=caf%C3%A9%20bar&page=1']);
  });

  test('a 2 MB body through the gateway is 413 problem+json (with and without Content-Length)', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const declared = await fetch(`${base()}/api/cart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8080' },
      body: big,
    });
    await assertProblem(declared, 413, 'KIT_PAYLOAD_TOO_LARGE');

    const chunked = await fetch(`${base()}/api/cart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8080' },
      body: Readable.toWeb(Readable.from([big.subarray(0, 1024 * 1024), big.subarray(1024 * 1024)])) as never,
      duplex: 'half',
    } as RequestInit);
    await assertProblem(chunked, 413, 'KIT_PAYLOAD_TOO_LARGE');

    const token = await fetch(`${base()}/auth/realms/techstore/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    await assertProblem(token, 413, 'KIT_PAYLOAD_TOO_LARGE');
  });

  test('a body within the limit is forwarded byte for byte', async () => {
    upstream.hits.length = 0;
    const body = JSON.stringify({ productId: 1, quantity: 2, note: 'x'.repeat(30_000) });
    const response = await fetch(`${base()}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' },
      body,
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), body);
  });
});

/** A stand-in upstream built like the services: the kit's app, its 100 KiB body limit, its 413. */
async function startKitUpstream() {
  const hits: string[] = [];
  const app = await createApp({ name: 'upstream', logger: captureLogs('upstream').logger });
  app.addHook('onRequest', async (request) => {
    hits.push(request.url);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.all('/*', async (request) => request.body ?? {});
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, hits, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}
