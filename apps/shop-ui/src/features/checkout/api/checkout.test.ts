import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../lib/api-error.ts';
import { keyForSubmit } from './attempt-key.ts';
import { isIndeterminate } from './checkout.ts';
import { checkoutFailure } from './checkout-messages.ts';

const nameOf = (id: number) => `Product ${id}`;

describe('checkout attempts', () => {
  test('reuses the key only for the very same body after an unknown outcome', () => {
    let n = 0;
    const fresh = () => `key-${++n}`;
    const first = keyForSubmit(undefined, '{"a":1}', fresh);
    assert.equal(first.key, 'key-1');
    assert.equal(keyForSubmit(first, '{"a":1}', fresh).key, 'key-1');
    assert.equal(keyForSubmit(first, '{"a":2}', fresh).key, 'key-2');
  });

  test('treats network errors, 5xx, 408, 429 and "in progress" as unknown outcomes', () => {
    assert.equal(isIndeterminate(new TypeError('Failed to fetch')), true);
    assert.equal(isIndeterminate(new ApiError(503, { code: 'SHOP_DEPENDENCY_UNAVAILABLE' })), true);
    assert.equal(isIndeterminate(new ApiError(409, { code: 'SHOP_IDEMPOTENCY_IN_PROGRESS' })), true);
    assert.equal(isIndeterminate(new ApiError(429, {})), true);
    for (const [status, code] of [
      [402, 'SHOP_PAYMENT_DECLINED'],
      [409, 'SHOP_OUT_OF_STOCK'],
      [403, 'SHOP_CHECKOUT_FORBIDDEN'],
      [400, 'SHOP_CART_EMPTY'],
    ] as const) {
      assert.equal(isIndeterminate(new ApiError(status, { code })), false, code);
    }
  });
});

describe('checkout failure messages', () => {
  test('a decline names the reason and says nothing was charged', () => {
    const f = checkoutFailure(
      new ApiError(402, { code: 'SHOP_PAYMENT_DECLINED', reason: 'card_declined' }),
      nameOf,
    );
    assert.equal(f.kind, 'declined');
    assert.match(f.message, /declined \(card declined\).*not been charged/);
  });

  test('out of stock lists the products and what is left', () => {
    const f = checkoutFailure(
      new ApiError(409, {
        code: 'SHOP_OUT_OF_STOCK',
        unavailable: [
          { productId: 2, productName: 'Wireless Mouse', requested: 3, available: 1 },
          { productId: 7, requested: 1, available: 0 },
        ],
      }),
      nameOf,
    );
    assert.equal(f.kind, 'out-of-stock');
    assert.match(f.message, /Wireless Mouse \(only 1 left\), Product 7 \(only 0 left\)/);
  });

  test('a 403 says the account is not allowed to check out', () => {
    const f = checkoutFailure(new ApiError(403, { code: 'SHOP_CHECKOUT_FORBIDDEN' }), nameOf);
    assert.equal(f.kind, 'not-allowed');
    assert.match(f.message, /Your account is not allowed to check out/);
  });

  test('a 503 naming a paid order says the payment went through and the order will complete', () => {
    const f = checkoutFailure(
      new ApiError(503, { code: 'SHOP_DEPENDENCY_UNAVAILABLE', orderId: 42, orderStatus: 'paid' }),
      nameOf,
    );
    assert.equal(f.kind, 'paid');
    assert.equal(f.orderId, 42);
    assert.match(f.message, /payment went through.*#42 is being completed/);
    assert.doesNotMatch(f.message, /not confirmed|retry/i);
  });

  test('a 503 naming an order not paid yet is still an unknown outcome to retry', () => {
    const f = checkoutFailure(
      new ApiError(503, { code: 'SHOP_DEPENDENCY_UNAVAILABLE', orderId: 42, orderStatus: 'reserved' }),
      nameOf,
    );
    assert.equal(f.kind, 'other');
    assert.match(f.message, /retrying is safe/);
  });

  test('an unknown outcome says retrying is safe; a 5xx detail is never shown', () => {
    const f = checkoutFailure(new ApiError(500, { detail: 'relation "orders" does not exist' }), nameOf);
    assert.equal(f.kind, 'other');
    assert.doesNotMatch(f.message, /relation/);
    assert.match(f.message, /retrying is safe/);
  });
});
