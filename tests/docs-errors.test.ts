import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { collectErrorCodes } from '../scripts/lib/error-codes.ts';

test('docs/errors.md lists every error code the sources use', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const missing = collectErrorCodes()
    .map((entry) => entry.code)
    .filter((code) => !doc.includes(`\`${code}\``));
  assert.deepEqual(missing, [], `run node scripts/errors-doc.ts; missing: ${missing.join(', ')}`);
});
