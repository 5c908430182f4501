import { after, before, describe } from 'node:test';
import { startHarness, type Harness } from './testing/harness.ts';
import { authorizationMatrix } from '@mockmart/service-kit/testing';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

describe('who may call notification', { timeout: 60_000 }, () => {
  authorizationMatrix({
    getApp: () => h.app,
    getIssuer: () => h.issuer,
    clientId: 'notification-service',
    otherAudience: 'payment-service',
    allRoles: ['notifications:send', 'notifications:read', 'faults:manage'],
    // order-reconciler holds no notification role at all.
    otherCaller: { clientId: 'order-reconciler', roles: [] },
    routes: [
      {
        method: 'POST',
        url: '/api/notifications',
        payload: {
          eventId: 'evt-matrix',
          type: 'order.confirmed',
          orderId: 'o-1',
          recipient: { userId: 'u' },
        },
        role: 'notifications:send',
      },
      { method: 'GET', url: '/api/notifications/mailbox', role: 'notifications:read' },
      { method: 'GET', url: '/api/faults', role: 'faults:manage' },
      { method: 'PUT', url: '/api/faults', payload: { mode: 'none' }, role: 'faults:manage' },
    ],
  });
});
