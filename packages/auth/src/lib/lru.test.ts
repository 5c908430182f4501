import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpiringLru } from './lru.ts';

describe('ExpiringLru', () => {
  test('expires entries at their deadline', () => {
    const lru = new ExpiringLru<number>(10);
    lru.set('a', 1, 1_000);
    assert.equal(lru.get('a', 999), 1);
    assert.equal(lru.get('a', 1_000), undefined);
  });
  test('stays bounded and keeps recently read entries', () => {
    const lru = new ExpiringLru<number>(100);
    for (let i = 0; i < 100; i++) lru.set(`k${i}`, i, Infinity);
    for (let i = 0; i < 1_000; i++) {
      assert.equal(lru.get('k0', 0), 0, 'a hot entry survives churn');
      lru.set(`churn${i}`, i, Infinity);
    }
    assert.ok(lru.size <= 200);
    assert.equal(lru.get('k50', 0), undefined, 'cold entries are evicted');
  });
});
