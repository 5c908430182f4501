import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { createApp } from '../app.ts';
import { captureLogs } from '../testing/index.ts';
import { strictObject } from '../schemas.ts';
import { openApi } from './index.ts';

describe('openApi', { timeout: 10_000 }, () => {
  test('serves /openapi.json with every later route, bearer security, and marks itself public', async () => {
    const app = await createApp({ name: 'openapi-test', logger: captureLogs('openapi-test').logger });
    let openapiRouteConfig: unknown;
    app.addHook('onRoute', (route) => {
      if (route.url === '/openapi.json') openapiRouteConfig = route.config;
    });
    await app.register(openApi, { title: 'Test service', description: 'For the test', version: '9.9.9' });
    app.get(
      '/api/things/:id',
      { schema: { params: strictObject({ id: Type.Integer() }), tags: ['things'] } },
      async () => ({}),
    );
    await app.ready();

    const res = await app.inject('/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.info, { title: 'Test service', description: 'For the test', version: '9.9.9' });
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    assert.deepEqual(Object.keys(doc.paths), ['/api/things/{id}']); // the document itself is hidden
    assert.deepEqual(openapiRouteConfig, { auth: 'public' });
    await app.close();
  });
});
