import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeReturnTo } from './return-to.ts';

const ORIGIN = 'https://shop.example';

test('a same-origin path is kept with its query and fragment', { timeout: 5_000 }, () => {
  assert.equal(safeReturnTo('/orders?page=2#latest', ORIGIN), '/orders?page=2#latest');
  assert.equal(safeReturnTo('/checkout', ORIGIN), '/checkout');
});

test('anything that could leave the site becomes /', { timeout: 5_000 }, () => {
  for (const value of [
    '//evil.example',
    '//evil.example/orders',
    '/\\evil.example',
    '/\t/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'orders',
    '',
    null,
    undefined,
  ])
    assert.equal(safeReturnTo(value, ORIGIN), '/', JSON.stringify(value));
});
