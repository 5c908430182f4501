/**
 * `npm run bench`: every benchmark, one after another, each in its own process so none warms or
 * loads another. `npm run bench -- auth` runs only the files whose name contains "auth".
 * Benchmarks print their own figures; results belong in bench/README.md and the closing notes.
 */
import { globSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const filter = process.argv[2] ?? '';
const files = globSync('bench/*.bench.ts')
  .filter((file) => file.includes(filter))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n━━━ ${file} ━━━`);
  const run = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
console.log(`\n${files.length - failed} benchmarks ran, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
