/**
 * Regenerates CONTRIBUTING.md's contract tables from @mockmart/contracts: `node scripts/contract-tables.ts`.
 * tests/contract-tables.test.ts fails when the file and the schemas differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withContractTables } from '@mockmart/contracts/tables';

const file = fileURLToPath(new URL('../CONTRIBUTING.md', import.meta.url));
const before = readFileSync(file, 'utf8');
const after = withContractTables(before);
if (after !== before) writeFileSync(file, after);
console.log(`CONTRIBUTING.md: contract tables ${after === before ? 'already up to date' : 'rewritten'}`);
