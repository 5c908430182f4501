import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.ts';

let sink: SmtpSink;
let h: Harness;
before(async () => {
  sink = await startSmtpSink();
  // No mailer override: the app builds its nodemailer transport from SMTP_URL.
  h = await startHarness({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, 'from-config');
});
after(async () => {
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
      recipient: { userId: 'u', email, name: 'Mario' },
    },
  });
const row = async (eventId: string) =>
  (
    await h.db.query<{ status: string; failure: string | null; attempts: number }>(
      'SELECT status, failure, attempts FROM notifications WHERE event_id = $1',
      [eventId],
    )
  ).rows[0];

test('with SMTP_URL set, a mail goes out through SMTP and is marked sent', { timeout: 30_000 }, async () => {
  const res = await post('evt-smtp-1', 'mario@techstore.test');
  assert.equal(res.statusCode, 202);
  assert.equal(sink.messages.length, 1);
  assert.match(sink.messages[0] ?? '', /Subject: Your TechStore order order-evt-smtp-1 is confirmed/);
  assert.match(sink.messages[0] ?? '', /To: mario@techstore\.test/);
  // A stable Message-ID: a copy resent after a crash can be recognised as the same mail.
  assert.match(sink.messages[0] ?? '', /Message-ID:\s+<ntf_[^@]+@notification\.techstore\.local>/i);
  assert.deepEqual(await row('evt-smtp-1'), { status: 'sent', failure: null, attempts: 1 });
});

test(
  'a permanent SMTP refusal (550) is final: the mail is kept as failed and a replay does not resend',
  { timeout: 30_000 },
  async () => {
    const before = sink.messages.length;
    assert.equal((await post('evt-smtp-550', 'reject@techstore.test')).statusCode, 202);
    assert.equal((await post('evt-smtp-550', 'reject@techstore.test')).json().deduplicated, true);
    assert.deepEqual(await row('evt-smtp-550'), { status: 'failed', failure: 'SMTP_550', attempts: 1 });
    assert.equal(sink.messages.length, before);
  },
);
