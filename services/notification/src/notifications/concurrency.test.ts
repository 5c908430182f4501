import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('20 concurrent posts of one eventId record one mail and send it once', { timeout: 60_000 }, async () => {
  const payload = {
    eventId: 'evt-concurrent-1',
    type: 'order.confirmed',
    orderId: 'order-concurrent-1',
    recipient: { userId: 'user-luigi', email: 'luigi@techstore.test', name: 'Luigi' },
  };
  const results = await Promise.all(
    Array.from({ length: 20 }, () =>
      h.app.inject({ method: 'POST', url: '/api/notifications', headers: h.shop, payload }),
    ),
  );
  assert.ok(results.every((r) => r.statusCode === 202));
  assert.equal(results.filter((r) => r.json().deduplicated === false).length, 1);
  assert.equal(new Set(results.map((r) => r.json().notificationId)).size, 1);
  assert.equal(h.sent.length, 1);
  const { rows } = await h.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM notifications WHERE event_id = 'evt-concurrent-1'",
  );
  assert.equal(rows[0]?.n, 1);
});
