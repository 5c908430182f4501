/**
 * `npm test`: every *.test.ts of every workspace and of tests/, on Node's own test runner.
 * Files run in parallel (bounded), tests inside a file in order; the closing summary lines are
 * node:test's own (tests / pass / fail).
 */
import { globSync } from 'node:fs';
import { spawn } from 'node:child_process';

const roots = ['packages', 'services', 'apps', 'tests'];
const only = process.argv.slice(2);
const files = (only.length > 0 ? only : roots.map((root) => `${root}/**/*.test.ts`))
  .flatMap((pattern) => globSync(pattern, { exclude: (name) => name === 'node_modules' || name === 'dist' }))
  .sort();

console.log(`MockMart tests on Node ${process.version}: ${files.length} files`);

const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 3}`,
    '--test-timeout=300000',
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
