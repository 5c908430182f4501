import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { createApp } from './app.ts';
import { openObject, strictObject } from './schemas.ts';
import { captureLogs } from './testing/index.ts';

const app = (strictSchemas?: boolean) =>
  createApp({ name: 'strict-test', logger: captureLogs('strict-test').logger, strictSchemas });

test('a route whose body lets unknown fields through fails at start-up, naming the route and the object', async () => {
  const kit = await app();
  const starting = async () => {
    await kit.register(async (routes) => {
      routes.post(
        '/orders',
        {
          schema: {
            // Strict at the top, open one level down: Ajv would accept { shipping: { isAdmin: true } }.
            body: strictObject({ shipping: Type.Object({ street: Type.String() }) }),
          },
        },
        async () => ({}),
      );
    });
    await kit.ready();
  };
  await assert.rejects(
    starting(),
    /Route POST \/orders accepts unknown fields at body \/properties\/shipping: use strictObject\(\)/,
  );
});

test('querystring and params objects are checked too', async () => {
  const kit = await app();
  assert.throws(
    () => kit.get('/items', { schema: { querystring: Type.Object({ q: Type.String() }) } }, async () => ({})),
    /Route GET \/items accepts unknown fields at querystring \/:/,
  );
  assert.throws(
    () =>
      kit.get(
        '/items/:id',
        { schema: { params: Type.Object({ id: Type.String() }, { additionalProperties: true }) } },
        async () => ({}),
      ),
    /at params \//,
  );
  await kit.close();
});

test('strict objects, records and objects marked openObject() pass; the open one takes unknown fields', async () => {
  const kit = await app();
  kit.post(
    '/events',
    {
      schema: {
        body: strictObject({
          items: Type.Array(strictObject({ id: Type.String() })),
          counts: Type.Record(Type.String(), Type.Integer()),
          // Free-form metadata the service stores as it is: open on purpose.
          data: openObject(Type.Object({}, { additionalProperties: true })),
        }),
        querystring: strictObject({ dryRun: Type.Optional(Type.Boolean()) }),
      },
    },
    async (request) => request.body,
  );
  await kit.ready();
  const body = { items: [{ id: 'a' }], counts: { a: 1 }, data: { anything: ['goes'] } };
  const response = await kit.inject({ method: 'POST', url: '/events', payload: body });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), body);
  await kit.close();
});

test('strictSchemas: false turns the start-up check off', async () => {
  const kit = await app(false);
  kit.post('/legacy', { schema: { body: Type.Object({ a: Type.String() }) } }, async () => ({}));
  await kit.ready();
  await kit.close();
});
