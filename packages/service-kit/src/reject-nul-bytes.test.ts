import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { containsNul } from './reject-nul-bytes.ts';

test('finds U+0000 in strings, array items, nested values and keys', () => {
  assert.equal(containsNul('a\u0000b'), true);
  assert.equal(containsNul(['ok', ['deep\u0000']]), true);
  assert.equal(containsNul({ address: { city: 'Mi\u0000lano' } }), true);
  assert.equal(containsNul({ ['na\u0000me']: 'x' }), true);
  assert.equal(containsNul(Object.assign(Object.create(null), { v: '\u0000' })), true);
});

test('clean values pass, and raw bodies (Buffers, streams) are not searched', () => {
  assert.equal(containsNul({ sku: 'ssd-1tb', quantity: 2, tags: ['a', 'b'], note: null }), false);
  assert.equal(containsNul(undefined), false);
  assert.equal(containsNul(Buffer.from([0, 1, 2])), false, 'a proxied body is passed through as bytes');
  assert.equal(containsNul(Readable.from(['\u0000'])), false);
});

test('a value nested far deeper than any stack is searched without overflowing', () => {
  let deep: unknown = 'end\u0000';
  for (let level = 0; level < 200_000; level += 1) deep = level % 2 === 0 ? [deep] : { inner: deep };
  assert.equal(containsNul(deep), true);
  let clean: unknown = 'end';
  for (let level = 0; level < 200_000; level += 1) clean = [clean];
  assert.equal(containsNul(clean), false);
});
