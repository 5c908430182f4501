import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../testing/harness.ts';

/**
 * A minimal loopback SMTP server (RFC 5321 happy path) that keeps each message's DATA, so the test
 * exercises the real nodemailer transport built from SMTP_URL.
 */
function startSmtpSink(): Promise<{ server: Server; port: number; messages: string[] }> {
  const messages: string[] = [];
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 sink\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, messages }),
    ),
  );
}

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let h: Harness;
before(async () => {
  sink = await startSmtpSink();
  // No mailer override: the app builds its nodemailer transport from SMTP_URL.
  h = await startHarness({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, 'from-config');
});
after(async () => {
  await h.close();
  await new Promise((resolve) => sink.server.close(resolve));
});

test('with SMTP_URL set, a mail goes out through SMTP and is marked sent', { timeout: 30_000 }, async () => {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/notifications',
    headers: h.shop,
    payload: {
      eventId: 'evt-smtp-1',
      type: 'order.confirmed',
      orderId: 'order-smtp-1',
      recipient: { userId: 'u', email: 'mario@techstore.test', name: 'Mario' },
    },
  });
  assert.equal(res.statusCode, 202);
  assert.equal(sink.messages.length, 1);
  assert.match(sink.messages[0] ?? '', /Subject: Your TechStore order order-smtp-1 is confirmed/);
  assert.match(sink.messages[0] ?? '', /To: mario@techstore\.test/);
  const { rows } = await h.db.query<{ status: string }>(
    "SELECT status FROM notifications WHERE event_id = 'evt-smtp-1'",
  );
  assert.equal(rows[0]?.status, 'sent');
});

test(
  'when the SMTP server refuses, the mail is kept as failed and a replay does not resend',
  { timeout: 30_000 },
  async () => {
    let attempts = 0;
    const failing = await startHarness(
      {},
      {
        async send() {
          attempts++;
          throw Object.assign(new Error('550 mailbox unavailable'), { code: 'EENVELOPE' });
        },
        close() {},
      },
    );
    try {
      const payload = {
        eventId: 'evt-smtp-fail',
        type: 'order.confirmed',
        orderId: 'order-smtp-fail',
        recipient: { userId: 'u', email: 'mario@techstore.test' },
      };
      const post = () =>
        failing.app.inject({ method: 'POST', url: '/api/notifications', headers: failing.shop, payload });
      assert.equal((await post()).statusCode, 202);
      assert.equal((await post()).json().deduplicated, true);
      assert.equal(attempts, 1);
      const { rows } = await failing.db.query<{ status: string }>(
        "SELECT status FROM notifications WHERE event_id = 'evt-smtp-fail'",
      );
      assert.equal(rows[0]?.status, 'failed');
    } finally {
      await failing.close();
    }
  },
);
