import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, eventually, startHarness, type Harness } from '../testing/harness.ts';
import { enqueue } from './outbox-repository.ts';

describe('outbox dispatcher', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  const row = async (eventId: string) =>
    (
      await h.db.query<{ attempts: number; delivered_at: Date | null; dead_at: Date | null }>(
        'SELECT attempts, delivered_at, dead_at FROM outbox WHERE event_id = $1',
        [eventId],
      )
    ).rows[0]!;

  test('notification down → retried with backoff, then delivered exactly once to the customer', async () => {
    const headers = bearer(await h.userToken('mario'));
    await h.app.inject({ method: 'POST', url: '/api/cart', headers, payload: { productId: 1 } });
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers,
      payload: { shippingAddress: ADDRESS, paymentMethod: 'paypal' },
    });
    const eventId = `order-${res.json().order.id}-confirmed`;
    h.notification.failuresLeft = 3;
    h.dispatcher.start();
    try {
      await eventually(async () => (await row(eventId)).delivered_at !== null);
    } finally {
      await h.dispatcher.stop();
    }
    assert.equal((await row(eventId)).attempts, 4, '3 failures + 1 success');
    assert.equal(h.notification.received.filter((e) => e.eventId === eventId).length, 1);
    const mail = h.notification.sent.get(eventId) as { type: string; recipient: { email: string } };
    assert.equal(mail.type, 'order.confirmed');
    assert.equal(mail.recipient.email, 'mario@techstore.test');
  });

  test('a stored event outside the notification contract is parked as dead at once, never sent', async () => {
    const event = { eventId: 'order-998-confirmed', type: 'order.confirmed', orderId: '998', recipient: {} };
    await enqueue(h.db, { eventId: event.eventId, type: event.type, orderId: null, payload: event });
    const received = h.notification.received.length;
    assert.equal(await h.dispatcher.runOnce(), 0);
    assert.equal(h.notification.received.length, received, 'nothing reached notification');
    const parked = await row(event.eventId);
    assert.equal(parked.attempts, 1);
    assert.notEqual(parked.dead_at, null);
  });

  test('a redelivery (crash after send, before the mark) is deduplicated by the receiver: applied once', async () => {
    const event = {
      eventId: 'order-999-confirmed',
      type: 'order.confirmed',
      orderId: '999',
      recipient: { userId: 'u', email: 'u@x.test', name: 'U' },
      data: {},
    };
    await enqueue(h.db, { eventId: event.eventId, type: event.type, orderId: null, payload: event });
    assert.equal(await h.dispatcher.runOnce(), 1);
    // Simulate the crash window: the row was sent but its delivered mark was lost.
    await h.db.query('UPDATE outbox SET delivered_at = NULL, next_attempt_at = now() WHERE event_id = $1', [
      event.eventId,
    ]);
    assert.equal(await h.dispatcher.runOnce(), 1);
    assert.equal(
      h.notification.received.filter((e) => e.eventId === event.eventId).length,
      2,
      'at least once',
    );
    assert.equal(
      [...h.notification.sent.keys()].filter((k) => k === event.eventId).length,
      1,
      'applied once',
    );
    await enqueue(h.db, { eventId: event.eventId, type: event.type, orderId: null, payload: event });
    assert.equal(
      (await h.db.query('SELECT 1 FROM outbox WHERE event_id = $1', [event.eventId])).rows.length,
      1,
      'enqueue is idempotent',
    );
  });

  test('an event that keeps failing is parked as dead after maxAttempts, not retried forever', async () => {
    const bad = {
      eventId: 'order-1000-confirmed',
      type: 'order.confirmed',
      orderId: '1000',
      recipient: { userId: 'u', email: 'u@x.test', name: 'U' },
      data: {},
    };
    await enqueue(h.db, { eventId: bad.eventId, type: bad.type, orderId: null, payload: bad });
    h.notification.failuresLeft = 100;
    try {
      for (let i = 0; i < 5; i++) {
        await h.db.query('UPDATE outbox SET next_attempt_at = now() WHERE event_id = $1', [bad.eventId]);
        await h.dispatcher.runOnce();
      }
    } finally {
      h.notification.failuresLeft = 0;
    }
    const parked = await row(bad.eventId);
    assert.equal(parked.attempts, 5);
    assert.ok(parked.dead_at, 'parked after maxAttempts');
  });

  test('the backoff between attempts is capped exponential with jitter', async () => {
    const ev = {
      eventId: 'order-1001-confirmed',
      type: 'order.confirmed',
      orderId: '1001',
      recipient: { userId: 'u', email: 'u@x.test', name: 'U' },
      data: {},
    };
    await enqueue(h.db, { eventId: ev.eventId, type: ev.type, orderId: null, payload: ev });
    const { createOutboxDispatcher } = await import('./dispatcher.ts');
    const slow = createOutboxDispatcher({
      db: h.db,
      notification: h.downstream.notification,
      log: h.logs.logger,
      pollMs: 1000,
      maxAttempts: 10,
      baseMs: 10_000,
      capMs: 40_000,
      random: () => 0.999,
    });
    h.notification.failuresLeft = 1;
    await slow.runOnce();
    const { rows } = await h.db.query<{ delay: number }>(
      'SELECT extract(epoch FROM next_attempt_at - now()) * 1000 AS delay FROM outbox WHERE event_id = $1',
      [ev.eventId],
    );
    assert.ok(
      rows[0]!.delay > 8_000 && rows[0]!.delay <= 10_000,
      `first retry within base: ${rows[0]!.delay}`,
    );
  });
});
