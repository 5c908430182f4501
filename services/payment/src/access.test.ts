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

const key = { 'idempotency-key': 'matrix-key-0001' };

describe('who may call payment', { timeout: 60_000 }, () => {
  authorizationMatrix({
    getApp: () => h.app,
    getIssuer: () => h.issuer,
    clientId: 'payment-service',
    otherAudience: 'inventory-service',
    allRoles: ['payments:charge', 'payments:refund', 'payments:read', 'faults:manage'],
    otherCaller: { clientId: 'order-reconciler', roles: ['payments:read'] },
    routes: [
      {
        method: 'POST',
        url: '/api/payments/charges',
        headers: key,
        payload: {
          orderId: 'matrix',
          amount: 100,
          currency: 'EUR',
          paymentMethod: 'paypal',
          customer: { userId: 'u' },
        },
        role: 'payments:charge',
      },
      { method: 'GET', url: '/api/payments/charges?orderId=matrix', role: 'payments:read' },
      {
        method: 'POST',
        url: '/api/payments/charges/void',
        headers: { 'idempotency-key': 'matrix-void-key-0001' },
        payload: { orderId: 'matrix-void' },
        role: 'payments:charge',
      },
      {
        method: 'POST',
        url: '/api/payments/charges/ch_00000000-0000-4000-8000-000000000000/refunds',
        headers: key,
        payload: { reason: 'matrix' },
        role: 'payments:refund',
      },
      { method: 'GET', url: '/api/faults', role: 'faults:manage' },
      { method: 'PUT', url: '/api/faults', payload: { mode: 'none' }, role: 'faults:manage' },
    ],
  });
});
