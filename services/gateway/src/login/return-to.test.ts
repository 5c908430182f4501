import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { safeReturnTo } from './return-to.ts';

const ORIGIN = 'https://shop.example';

describe('safeReturnTo', { timeout: 5_000 }, () => {
  test('keeps same-origin paths with query and fragment', () => {
    assert.equal(safeReturnTo('/orders?page=2#top', ORIGIN), '/orders?page=2#top');
    assert.equal(safeReturnTo('/a/../b', ORIGIN), '/b');
  });

  test('defaults to / when absent', () => {
    assert.equal(safeReturnTo(undefined, ORIGIN), '/');
    assert.equal(safeReturnTo('', ORIGIN), '/');
  });

  for (const evil of [
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'http:evil.example',
    'javascript:alert(1)',
    'evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/%0a',
    '/ok\u0000',
    '/x\u0085',
    `/${'a'.repeat(2048)}`,
  ]) {
    test(`refuses ${JSON.stringify(evil).slice(0, 40)} with GW_RETURN_TO_INVALID`, () => {
      if (evil === '/%0a') {
        // Percent-encoded controls stay encoded, so they are harmless and kept.
        assert.equal(safeReturnTo(evil, ORIGIN), '/%0a');
        return;
      }
      assert.throws(
        () => safeReturnTo(evil, ORIGIN),
        (error: { code?: string }) => error.code === 'GW_RETURN_TO_INVALID',
      );
    });
  }

  // Dot segments are resolved by the URL parser, so these normalise to a path that starts with
  // `//`: as a Location header that is a scheme-relative URL to evil.example (open redirect).
  for (const evil of [
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example/x',
  ]) {
    test(`refuses ${JSON.stringify(evil)}, which normalises to a scheme-relative URL`, () => {
      assert.throws(
        () => safeReturnTo(evil, ORIGIN),
        (error: { code?: string }) => error.code === 'GW_RETURN_TO_INVALID',
      );
    });
  }

  test('refuses non-string values', () => {
    assert.throws(
      () => safeReturnTo(['/a', '/b'], ORIGIN),
      (error: { code?: string }) => error.code === 'GW_RETURN_TO_INVALID',
    );
  });
});
