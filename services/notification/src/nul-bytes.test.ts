import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from './testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test(
  'a NUL byte in an event or a mailbox filter is a clean 400 (it was a 500)',
  { timeout: 30_000 },
  async () => {
    const event = await h.app.inject({
      method: 'POST',
      url: '/api/notifications',
      headers: h.shop,
      payload: {
        eventId: 'evt-nul-1',
        type: 'order.confirmed',
        orderId: 'o-nul',
        recipient: { userId: 'u', email: 'mario@example.com', name: 'Ma\u0000rio' },
      },
    });
    assert.equal(event.statusCode, 400, event.body);
    assert.equal(event.json().code, 'KIT_VALIDATION_FAILED');

    const mailbox = await h.app.inject({ url: '/api/notifications/mailbox?userId=%00', headers: h.shop });
    assert.equal(mailbox.statusCode, 400, mailbox.body);
    assert.equal(mailbox.json().code, 'KIT_VALIDATION_FAILED');
    const all = await h.app.inject({ url: '/api/notifications/mailbox?orderId=o-nul', headers: h.shop });
    assert.deepEqual(all.json().items, []);
  },
);
