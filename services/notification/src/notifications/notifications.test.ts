import { after, before, describe, test } from 'node:test';
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

const event = (overrides: Record<string, unknown> = {}) => ({
  eventId: `evt-${randomUUID()}`,
  type: 'order.confirmed',
  orderId: `order-${randomUUID().slice(0, 8)}`,
  recipient: { userId: 'user-mario', email: 'mario@techstore.test', name: 'Mario <b>Rossi</b>' },
  // The shape shop-api's outbox sends.
  data: {
    orderId: 42,
    total: 929.97,
    totalMinor: 92_997,
    currency: 'EUR',
    status: 'confirmed',
    items: [
      { productName: 'Laptop ProBook 15', quantity: 1, priceMinor: 89_999 },
      { productName: 'Wireless Mouse', quantity: 1, priceMinor: 2_998 },
    ],
  },
  ...overrides,
});
const post = (payload: object) =>
  h.app.inject({ method: 'POST', url: '/api/notifications', headers: h.shop, payload });
const mailbox = async (query: string) =>
  (await h.app.inject({ method: 'GET', url: `/api/notifications/mailbox?${query}`, headers: h.shop })).json()
    .items;

describe('notifications', { timeout: 30_000 }, () => {
  test('an event is accepted with 202, rendered, sent once and kept in the mailbox', async () => {
    const e = event();
    const before = h.sent.length;
    const res = await post(e);
    assert.equal(res.statusCode, 202);
    assert.equal(res.json().deduplicated, false);
    assert.match(res.json().notificationId, /^ntf_/);
    assert.equal(h.sent.length, before + 1);
    const mail = h.sent.at(-1);
    assert.equal(mail?.to, 'mario@techstore.test');
    assert.equal(mail?.subject, `Your TechStore order ${e.orderId} is confirmed`);
    assert.match(mail?.text ?? '', /1 × Laptop ProBook 15 at €899\.99/);
    assert.match(mail?.text ?? '', /Total: €929\.97/);
    // Caller-supplied text is escaped in HTML.
    assert.match(mail?.html ?? '', /Hello Mario &#60;b&#62;Rossi&#60;\/b&#62;,/);
    assert.doesNotMatch(mail?.html ?? '', /<b>Rossi/);

    const [stored] = await mailbox(`orderId=${e.orderId}`);
    assert.equal(stored.id, res.json().notificationId);
    assert.equal(stored.eventId, e.eventId);
    assert.equal(stored.status, 'sent');
    assert.equal(stored.to, 'mario@techstore.test');
    assert.equal(stored.subject, mail?.subject);
    assert.ok(stored.sentAt);
  });

  test('a replayed event answers deduplicated: true with the same id and never sends again', async () => {
    const e = event();
    const first = await post(e);
    const count = h.sent.length;
    const replay = await post(e);
    assert.equal(replay.statusCode, 202);
    assert.deepEqual(replay.json(), { notificationId: first.json().notificationId, deduplicated: true });
    assert.equal(h.sent.length, count);
    assert.equal((await mailbox(`orderId=${e.orderId}`)).length, 1);
  });

  test('the same event id with a different payload is 409 NOTIF_EVENT_CONFLICT', async () => {
    const e = event();
    await post(e);
    const res = await post({ ...e, type: 'order.cancelled' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'NOTIF_EVENT_CONFLICT');
  });

  test('every event type renders its own subject', async () => {
    const subjects: Record<string, RegExp> = {
      'order.failed': /could not be completed/,
      'order.cancelled': /was cancelled/,
      'order.refunded': /Your refund for TechStore order/,
    };
    for (const [type, subject] of Object.entries(subjects)) {
      const e = event({
        type,
        data: { reason: 'payment_declined', refundMinor: 100, currency: 'EUR' },
      });
      assert.equal((await post(e)).statusCode, 202);
      const [stored] = await mailbox(`orderId=${e.orderId}`);
      assert.match(stored.subject, subject);
    }
  });

  test('a recipient without e-mail is kept in the mailbox as undeliverable and not sent', async () => {
    const count = h.sent.length;
    const e = event({ recipient: { userId: 'user-noemail' } });
    assert.equal((await post(e)).statusCode, 202);
    assert.equal(h.sent.length, count);
    const [stored] = await mailbox(`orderId=${e.orderId}`);
    assert.equal(stored.status, 'undeliverable');
    assert.equal(stored.to, null);
  });

  test('the mailbox filters by user and is bounded by limit', async () => {
    const userId = `user-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await post(event({ recipient: { userId, email: 'x@techstore.test' } }));
    assert.equal((await mailbox(`userId=${userId}`)).length, 3);
    assert.equal((await mailbox(`userId=${userId}&limit=2`)).length, 2);
  });
});

describe('notification input', { timeout: 30_000 }, () => {
  const bad: Array<[string, object]> = [
    ['an unknown type', event({ type: 'order.shipped' })],
    ['an unknown field', event({ priority: 'high' })],
    ['an unknown recipient field', event({ recipient: { userId: 'u', email: 'a@b.test', role: 'admin' } })],
    ['a bad e-mail', event({ recipient: { userId: 'u', email: 'nope' } })],
    ['an unknown data field', event({ data: { html: '<script>' } })],
    [
      'too many items',
      event({ data: { items: Array.from({ length: 101 }, () => ({ productName: 'x', quantity: 1 })) } }),
    ],
    ['a negative total', event({ data: { totalMinor: -1 } })],
    ['no event id', { ...event(), eventId: undefined }],
  ];
  for (const [what, payload] of bad) {
    test(`${what} is 400, records nothing and sends nothing`, async () => {
      const count = h.sent.length;
      const res = await post(payload);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
      assert.equal(h.sent.length, count);
      const orderId = (payload as { orderId: string }).orderId;
      assert.equal((await mailbox(`orderId=${orderId}`)).length, 0);
    });
  }
});
