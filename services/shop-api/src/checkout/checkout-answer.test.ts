import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkoutProblem } from './checkout-answer.ts';
import type { OrderView } from './schemas.ts';

const order = (patch: Partial<OrderView>): OrderView => ({
  id: 7,
  userId: 'u1',
  status: 'failed',
  statusReason: null,
  statusDetail: null,
  items: [],
  total: 10,
  totalMinor: 1000,
  currency: 'EUR',
  shippingAddress: {
    firstName: 'A',
    lastName: 'B',
    address: 'Street 1',
    city: 'Town',
    zipCode: '12345',
    phone: '+49 123456',
  },
  paymentMethod: 'credit-card',
  paymentTransactionId: null,
  unavailable: null,
  history: [],
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
  ...patch,
});

test('a confirmed order is no problem: the route answers 201 with it', () => {
  assert.equal(checkoutProblem(order({ status: 'confirmed' })), undefined);
});

test('a declined payment is 402 SHOP_PAYMENT_DECLINED naming the order and the reason', () => {
  const problem = checkoutProblem(order({ statusReason: 'payment_declined', statusDetail: 'card_declined' }));
  assert.equal(problem?.code, 'SHOP_PAYMENT_DECLINED');
  assert.equal(problem?.status, 402);
  assert.deepEqual(problem?.exposed, { orderId: 7, orderStatus: 'failed', reason: 'card_declined' });
});

test('short stock is 409 SHOP_OUT_OF_STOCK with the unavailable lines', () => {
  const unavailable = [{ productId: 1, productName: 'Mouse', requested: 3, available: 1 }];
  const problem = checkoutProblem(order({ statusReason: 'out_of_stock', unavailable }));
  assert.equal(problem?.status, 409);
  assert.deepEqual(problem?.exposed, { orderId: 7, orderStatus: 'failed', unavailable });
});

test('an order not settled yet is a provisional 503 naming its status, to retry', () => {
  for (const status of ['pending', 'reserved', 'paid', 'refunding'] as const) {
    const problem = checkoutProblem(order({ status }));
    assert.equal(problem?.code, 'SHOP_DEPENDENCY_UNAVAILABLE');
    assert.equal(problem?.status, 503);
    assert.deepEqual(problem?.exposed, { orderId: 7, orderStatus: status });
    assert.equal(problem?.headers['retry-after'], '5');
  }
});

test('any other failure is 503 with its reason: nothing was charged or it was refunded', () => {
  const problem = checkoutProblem(order({ statusReason: 'payment_refunded' }));
  assert.equal(problem?.status, 503);
  assert.deepEqual(problem?.exposed, { orderId: 7, orderStatus: 'failed', reason: 'payment_refunded' });
});
