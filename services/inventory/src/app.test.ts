import { describeServiceBasics } from '@mockmart/service-kit/testing';
import { startHarness } from './testing/harness.ts';

describeServiceBasics({
  name: 'inventory',
  startHarness,
  openApiPaths: [
    '/api/inventory/stock',
    '/api/inventory/reservations',
    '/api/inventory/reservations/{orderId}/commit',
  ],
  productionFault: {
    mode: 'out-of-stock',
    request: (h) => ({
      method: 'POST',
      url: '/api/inventory/reservations',
      headers: h.shop,
      payload: { orderId: 'prod-1', items: [{ productId: 1, quantity: 1 }] },
    }),
    status: 201,
  },
});
