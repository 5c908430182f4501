/**
 * CONTRIBUTING.md's contract tables are rendered from the schemas the providers validate with
 * (@mockmart/contracts): a schema changed without `node scripts/contract-tables.ts` fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withContractTables } from '@mockmart/contracts/tables';

test("CONTRIBUTING.md's contract tables are the ones the schemas render", () => {
  const file = fileURLToPath(new URL('../CONTRIBUTING.md', import.meta.url));
  const document = readFileSync(file, 'utf8');
  assert.equal(withContractTables(document), document, 'run node scripts/contract-tables.ts');
});
