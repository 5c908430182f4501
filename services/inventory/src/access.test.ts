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

describe('who may call inventory', { timeout: 60_000 }, () => {
  authorizationMatrix({
    getApp: () => h.app,
    getIssuer: () => h.issuer,
    clientId: 'inventory-service',
    otherAudience: 'payment-service',
    allRoles: ['stock:read', 'stock:reserve', 'stock:admin', 'faults:manage'],
    otherCaller: { clientId: 'order-reconciler', roles: ['stock:read'] },
    routes: [
      { method: 'GET', url: '/api/inventory/stock', role: 'stock:read' },
      { method: 'GET', url: '/api/inventory/reservations/some-order', role: 'stock:read' },
      {
        method: 'POST',
        url: '/api/inventory/reservations',
        payload: { orderId: 'matrix', items: [{ productId: 1, quantity: 1 }] },
        role: 'stock:reserve',
      },
      { method: 'POST', url: '/api/inventory/reservations/matrix/commit', role: 'stock:reserve' },
      { method: 'POST', url: '/api/inventory/reservations/matrix/release', role: 'stock:reserve' },
      { method: 'POST', url: '/api/inventory/reservations/matrix/reverse', role: 'stock:reserve' },
      { method: 'PUT', url: '/api/inventory/stock/1', payload: { onHand: 15 }, role: 'stock:admin' },
      { method: 'GET', url: '/api/faults', role: 'faults:manage' },
      { method: 'PUT', url: '/api/faults', payload: { mode: 'none' }, role: 'faults:manage' },
    ],
  });
});
