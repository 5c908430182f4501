import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from '../testing/harness.ts';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';
import { createMailSender, type MailSender } from './mail-sender.ts';
import { createSmtpMailer } from './mailer.ts';

/**
 * At-least-once delivery against a real SMTP server on loopback that goes down and comes back.
 * A second sender over the same database stands for another replica's (or the restarted
 * process's) sender loop; the in-process app makes the first attempt as a request would.
 */
let sink: SmtpSink;
let h: Harness;
const quiet = { warn() {}, error() {} };
const senders: MailSender[] = [];
const newSender = (overrides: Partial<Parameters<typeof createMailSender>[0]> = {}) => {
  const sender = createMailSender({
    db: h.db,
    mailer: createSmtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: 'test@techstore.test' }),
    log: quiet,
    pollMs: 20,
    maxAttempts: 3,
    baseMs: 0,
    capMs: 0,
    claimMs: 60_000,
    ...overrides,
  });
  senders.push(sender);
  return sender;
};

before(async () => {
  sink = await startSmtpSink();
  h = await startHarness(
    { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_MAX_ATTEMPTS: '3', MAIL_RETRY_BASE_MS: '0' },
    'from-config',
  );
});
after(async () => {
  for (const sender of senders) await sender.stop();
  await h.close();
  await sink.stop();
});

const post = (eventId: string, email: string) =>
  h.app.inject({
    method: 'POST',
    url: '/api/notifications',
    headers: h.shop,
    payload: {
      eventId,
      type: 'order.confirmed',
      orderId: `order-${eventId}`,
      recipient: { userId: 'u', email },
    },
  });
const row = async (eventId: string) =>
  (
    await h.db.query<{ status: string; failure: string | null; attempts: number }>(
      'SELECT status, failure, attempts FROM notifications WHERE event_id = $1',
      [eventId],
    )
  ).rows[0];
const mailsTo = (address: string) => sink.messages.filter((m) => m.includes(`To: ${address}`)).length;
const insertPending = async (eventId: string, to: string) => {
  await h.db.query(
    `INSERT INTO notifications (id, event_id, payload_hash, type, order_id, user_id, to_address, subject,
       text_body, html_body, status, client_id)
     VALUES ($1, $2, 'hash', 'order.confirmed', 'o', 'u', $3, 'Your order', 'text', '<p>html</p>', 'pending', 'shop-api')`,
    [`ntf_${randomUUID()}`, eventId, to],
  );
};

describe('mail delivery is at least once and applied once', { timeout: 60_000 }, () => {
  test('a mail accepted while SMTP is down stays pending, then goes out exactly once when SMTP returns', async () => {
    await sink.stop();
    try {
      const res = await post('evt-down', 'down@techstore.test');
      assert.equal(res.statusCode, 202, 'the event is accepted even though SMTP is down');
      const pending = await row('evt-down');
      assert.equal(pending?.status, 'pending');
      assert.equal(pending?.attempts, 1);
      assert.ok(pending?.failure, 'the transient failure is kept');
      assert.equal(await newSender().runOnce(), 0, 'still down: nothing sent, still pending');
      assert.equal((await row('evt-down'))?.status, 'pending');
    } finally {
      await sink.restart();
    }

    const sender = newSender();
    assert.equal(await sender.runOnce(), 1);
    assert.equal(mailsTo('down@techstore.test'), 1);
    assert.equal((await row('evt-down'))?.status, 'sent');
    // Neither another pass nor a replay of the event sends it again.
    assert.equal(await sender.runOnce(), 0);
    assert.equal((await post('evt-down', 'down@techstore.test')).json().deduplicated, true);
    assert.equal(mailsTo('down@techstore.test'), 1);
  });

  test('a crash between recording a mail and sending it: the sender loop sends it once started', async () => {
    await insertPending('evt-crash', 'crash@techstore.test');
    const sender = newSender();
    sender.start();
    const deadline = Date.now() + 10_000;
    while ((await row('evt-crash'))?.status !== 'sent') {
      assert.ok(Date.now() < deadline, 'the pending mail was never sent');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await sender.stop();
    assert.equal(mailsTo('crash@techstore.test'), 1);
  });

  test('two senders racing over the same pending mails send each mail once', async () => {
    const addresses = Array.from({ length: 12 }, (_, i) => `race-${i}@techstore.test`);
    for (const [i, to] of addresses.entries()) await insertPending(`evt-race-${i}`, to);
    const [a, b] = [newSender({ batchSize: 3 }), newSender({ batchSize: 3 })];
    const [sentByA, sentByB] = await Promise.all([a.runOnce(), b.runOnce()]);
    assert.equal(sentByA + sentByB, addresses.length);
    for (const to of addresses) assert.equal(mailsTo(to), 1, `${to} received one mail`);
  });

  test('a mail the request is still sending (claimed) is left alone by the loop', async () => {
    await insertPending('evt-claimed', 'claimed@techstore.test');
    await h.db.query(
      "UPDATE notifications SET next_attempt_at = now() + interval '1 minute' WHERE event_id = 'evt-claimed'",
    );
    await newSender().runOnce();
    assert.equal((await row('evt-claimed'))?.status, 'pending');
    assert.equal(mailsTo('claimed@techstore.test'), 0);
  });

  test('a transient refusal (450) is retried after a backoff, and parked as dead after the last attempt', async () => {
    assert.equal((await post('evt-busy', 'busy@techstore.test')).statusCode, 202);
    assert.deepEqual(await row('evt-busy'), { status: 'pending', failure: 'SMTP_450', attempts: 1 });

    // With a long backoff the retry is not due yet: a pass leaves it alone.
    await h.db.query("UPDATE notifications SET next_attempt_at = now() WHERE event_id = 'evt-busy'");
    const patient = newSender({ baseMs: 60_000, capMs: 60_000, random: () => 0.5 });
    assert.equal(await patient.runOnce(), 0);
    assert.equal((await row('evt-busy'))?.attempts, 2);
    assert.equal(await patient.runOnce(), 0);
    assert.equal((await row('evt-busy'))?.attempts, 2, 'not retried before its backoff elapsed');

    await h.db.query("UPDATE notifications SET next_attempt_at = now() WHERE event_id = 'evt-busy'");
    await newSender().runOnce();
    assert.deepEqual(await row('evt-busy'), { status: 'dead', failure: 'SMTP_450', attempts: 3 });
    assert.equal(await newSender().runOnce(), 0, 'a dead mail is never tried again');
    assert.equal(mailsTo('busy@techstore.test'), 0);
  });
});
