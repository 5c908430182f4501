import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMoney, parseMoneyInput, toMoneyInput } from './money.ts';

describe('money', () => {
  test('formats minor units with the currency', () => {
    assert.equal(formatMoney({ amount: 89999, currency: 'EUR' }), '€899.99');
    assert.equal(formatMoney({ amount: 1500, currency: 'JPY' }), 'JP¥1,500');
  });

  test('parses a typed price into minor units without float rounding', () => {
    assert.equal(parseMoneyInput('899.99', 'EUR'), 89999);
    assert.equal(parseMoneyInput('0.1', 'EUR'), 10);
    assert.equal(parseMoneyInput('19,9', 'EUR'), 1990);
    assert.equal(parseMoneyInput(' 12 ', 'EUR'), 1200);
    assert.equal(parseMoneyInput('1500', 'JPY'), 1500);
  });

  test('refuses negative, malformed and over-precise amounts', () => {
    for (const bad of ['', '-1', '1.999', 'abc', '1e3', '1.2.3', '15.5']) {
      assert.equal(parseMoneyInput(bad, bad === '15.5' ? 'JPY' : 'EUR'), undefined, bad);
    }
  });

  test('round-trips an amount through the input format', () => {
    for (const amount of [0, 5, 99, 100, 89999, 123456789]) {
      assert.equal(parseMoneyInput(toMoneyInput({ amount, currency: 'EUR' }), 'EUR'), amount);
    }
  });
});
