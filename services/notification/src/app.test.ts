import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './testing/harness.ts';

describe('notification app', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('health routes and /openapi.json are public', async () => {
    assert.equal((await h.app.inject('/health/live')).statusCode, 200);
    assert.equal((await h.app.inject('/health/ready')).statusCode, 200);
    const doc = await h.app.inject('/openapi.json');
    assert.equal(doc.statusCode, 200);
    const paths = Object.keys(doc.json().paths);
    for (const path of ['/api/notifications', '/api/notifications/mailbox']) {
      assert.ok(paths.includes(path), `${path} missing from ${paths.join(', ')}`);
    }
  });

  test('an unknown route is a 404 problem', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/nope', headers: h.shop });
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  });
});

describe('notification in production', { timeout: 30_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ NODE_ENV: 'production', KEYCLOAK_PUBLIC_URL: 'https://auth.example.com' });
  });
  after(async () => {
    await h.close();
  });

  test('the fault routes do not exist and a switched-on fault is never applied', async () => {
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/api/faults', headers: h.shop })).statusCode,
      404,
    );
    assert.equal(
      (await h.app.inject({ method: 'PUT', url: '/api/faults', headers: h.shop, payload: { mode: 'none' } }))
        .statusCode,
      404,
    );
    // Even with the switch row set behind the API's back, production never reads it.
    await h.db.query("UPDATE fault_switch SET mode = 'invalid-email', remaining = NULL");
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/notifications',
      headers: h.shop,
      payload: {
        eventId: 'evt-prod',
        type: 'order.confirmed',
        orderId: 'o-prod',
        recipient: { userId: 'u', email: 'u@techstore.test' },
      },
    });
    assert.equal(res.statusCode, 202);
  });
});
