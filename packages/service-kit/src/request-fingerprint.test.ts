import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestFingerprint } from './request-fingerprint.ts';

test('the same request hashes the same whatever the key order, at every level', () => {
  const a = { orderId: 'o-1', amount: 4999, card: { last4: '4242', brand: 'visa' } };
  const b = { card: { brand: 'visa', last4: '4242' }, amount: 4999, orderId: 'o-1' };
  assert.equal(requestFingerprint(a), requestFingerprint(b));
});

test('a different value, an extra field or a reordered array hashes differently', () => {
  const base = requestFingerprint({ orderId: 'o-1', amount: 4999, items: [1, 2] });
  assert.notEqual(requestFingerprint({ orderId: 'o-1', amount: 5000, items: [1, 2] }), base);
  assert.notEqual(requestFingerprint({ orderId: 'o-1', amount: 4999, items: [1, 2], note: 'x' }), base);
  assert.notEqual(requestFingerprint({ orderId: 'o-1', amount: 4999, items: [2, 1] }), base);
});

test('an undefined field counts as absent, as it would after JSON serialisation', () => {
  assert.equal(requestFingerprint({ a: 1, b: undefined }), requestFingerprint({ a: 1 }));
});

test('values that print alike but differ in type hash differently', () => {
  assert.notEqual(requestFingerprint({ amount: 1 }), requestFingerprint({ amount: '1' }));
  assert.notEqual(requestFingerprint([1, 2]), requestFingerprint('[1,2]'));
});
