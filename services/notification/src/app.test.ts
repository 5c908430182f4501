import { describeServiceBasics } from '@mockmart/service-kit/testing';
import { startHarness } from './testing/harness.ts';

describeServiceBasics({
  name: 'notification',
  startHarness,
  openApiPaths: ['/api/notifications', '/api/notifications/mailbox'],
  productionFault: {
    mode: 'invalid-email',
    request: (h) => ({
      method: 'POST',
      url: '/api/notifications',
      headers: h.shop,
      payload: {
        eventId: 'evt-prod',
        type: 'order.confirmed',
        orderId: 'o-prod',
        recipient: { userId: 'u', email: 'u@techstore.test' },
      },
    }),
    status: 202,
  },
});
