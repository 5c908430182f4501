import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declineReason } from './decline-rules.ts';

test('test-decline always declines with card_declined', () => {
  assert.equal(declineReason({ amount: 100, paymentMethod: 'test-decline' }), 'card_declined');
});

test('an amount above 5,000.00 declines with limit_exceeded; exactly 5,000.00 passes', () => {
  assert.equal(declineReason({ amount: 500_001, paymentMethod: 'credit-card' }), 'limit_exceeded');
  assert.equal(declineReason({ amount: 500_000, paymentMethod: 'credit-card' }), null);
});

test('ordinary charges go through', () => {
  for (const paymentMethod of ['credit-card', 'paypal', 'bank-transfer']) {
    assert.equal(declineReason({ amount: 89_999, paymentMethod }), null);
  }
});
