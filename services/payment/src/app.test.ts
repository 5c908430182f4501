import { describeServiceBasics } from '@mockmart/service-kit/testing';
import { startHarness } from './testing/harness.ts';

describeServiceBasics({
  name: 'payment',
  startHarness,
  openApiPaths: ['/api/payments/charges', '/api/payments/charges/{chargeId}/refunds'],
  productionFault: {
    mode: 'down',
    request: (h) => ({
      method: 'POST',
      url: '/api/payments/charges',
      headers: { ...h.shop, 'idempotency-key': 'production-key-1' },
      payload: {
        orderId: 'prod-1',
        amount: 100,
        currency: 'EUR',
        paymentMethod: 'paypal',
        customer: { userId: 'u' },
      },
    }),
    status: 201,
  },
});
