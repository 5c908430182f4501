import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const setFault = (payload: object) =>
  h.app.inject({ method: 'PUT', url: '/api/faults', headers: h.shop, payload });
const post = (headers: Record<string, string> = {}) => {
  const eventId = `evt-${randomUUID()}`;
  return h.app.inject({
    method: 'POST',
    url: '/api/notifications',
    headers: { ...h.shop, ...headers },
    payload: {
      eventId,
      type: 'order.confirmed',
      orderId: eventId,
      recipient: { userId: 'u', email: 'u@techstore.test' },
    },
  });
};
const stored = async () =>
  (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications')).rows[0]?.n;

describe('notification fault switch', { timeout: 30_000 }, () => {
  beforeEach(async () => {
    await setFault({ mode: 'none' });
  });

  test('invalid-email rejects the next event with 422 NOTIF_RECIPIENT_REJECTED, recording and sending nothing', async () => {
    await setFault({ mode: 'invalid-email', remaining: 1 });
    const [count, sent] = [await stored(), h.sent.length];
    const res = await post();
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'NOTIF_RECIPIENT_REJECTED');
    assert.equal(await stored(), count);
    assert.equal(h.sent.length, sent);
    assert.equal((await post()).statusCode, 202);
  });

  test("timeout hangs until the caller's deadline, then answers 504 and records nothing", async () => {
    await setFault({ mode: 'timeout', remaining: 1 });
    const count = await stored();
    const started = performance.now();
    const res = await post({ 'x-request-deadline': String(Date.now() + 300) });
    const waited = performance.now() - started;
    assert.equal(res.statusCode, 504);
    assert.equal(res.json().code, 'NOTIF_TIMEOUT');
    assert.ok(waited >= 250 && waited < 5_000, `waited ${waited} ms`);
    assert.equal(await stored(), count);
  });

  test('timeout without a deadline is bounded by delayMs', async () => {
    await setFault({ mode: 'timeout', delayMs: 200, remaining: 1 });
    const started = performance.now();
    assert.equal((await post()).statusCode, 504);
    assert.ok(performance.now() - started < 5_000);
  });

  test('slow-template delays rendering by delayMs and still delivers', async () => {
    await setFault({ mode: 'slow-template', delayMs: 300, remaining: 1 });
    const started = performance.now();
    assert.equal((await post()).statusCode, 202);
    assert.ok(performance.now() - started >= 290);
  });

  test('a mode of another service is 400', async () => {
    assert.equal((await setFault({ mode: 'decline' })).statusCode, 400);
  });
});
