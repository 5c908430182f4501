import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linesWithTokens } from './log-leaks.ts';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYXJpbyJ9.c2lnbmF0dXJl';

test('finds the log lines that hold a JWT and reports them without the token', { timeout: 5_000 }, () => {
  const logs = [
    'gateway | {"msg":"signed in","session":"1a2b3c4d"}',
    `shop-api | {"msg":"call","authorization":"Bearer ${TOKEN}"}`,
    'idp | {"msg":"eyJ alone is no token"}',
  ].join('\n');
  const found = linesWithTokens(logs);
  assert.deepEqual(found, ['shop-api | {"msg":"call","authorization":"Bearer eyJ…(token)']);
  assert.ok(!found.join('').includes(TOKEN.slice(0, 20)));
});

test('a long line keeps its part name and the context just before the token', { timeout: 5_000 }, () => {
  const [found] = linesWithTokens(`gateway | ${'x'.repeat(500)}"leak":"${TOKEN}","more":1`);
  assert.equal(found, `gateway | …${'x'.repeat(152)}"leak":"eyJ…(token)`);
});

test('clean logs report nothing', { timeout: 5_000 }, () => {
  assert.deepEqual(linesWithTokens('gateway | {"msg":"ready"}\n'), []);
});
