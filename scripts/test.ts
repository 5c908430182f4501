/**
 * `npm test`: every *.test.ts of every workspace and of tests/, on Node's own test runner.
 * Files run in parallel (bounded), tests inside a file in order; the closing summary lines are
 * node:test's own (tests / pass / fail).
 *
 * When a cross-service or browser suite is among the files, one real Keycloak is started first
 * and shared by them all (each suite imports its own realm): those suites run against the
 * embedded idp and against Keycloak. Without a JDK or PostgreSQL the Keycloak side is skipped
 * with the reason (a failure when CI=true); MOCKMART_KEYCLOAK=skip skips it on purpose.
 */
import { globSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { startSharedKeycloak, type SharedKeycloak } from './lib/keycloak/shared-for-tests.ts';

const roots = ['packages', 'services', 'apps', 'tests'];
const only = process.argv.slice(2);
const files = (only.length > 0 ? only : roots.map((root) => `${root}/**/*.test.ts`))
  .flatMap((pattern) => globSync(pattern, { exclude: (name) => name === 'node_modules' || name === 'dist' }))
  .sort();

console.log(`MockMart tests on Node ${process.version}: ${files.length} files`);

const needsKeycloak = files.some((file) => /(^|\/)tests\/(system|e2e|keycloak)/.test(file));
let keycloak: SharedKeycloak | undefined;
if (needsKeycloak && process.env.MOCKMART_KEYCLOAK === 'skip' && process.env.CI !== 'true') {
  keycloak = { env: { MOCKMART_KEYCLOAK_SKIPPED: 'MOCKMART_KEYCLOAK=skip' }, stop: async () => {} };
} else if (needsKeycloak) {
  try {
    keycloak = await startSharedKeycloak((line) => console.log(line));
  } catch (error) {
    console.error(
      `Keycloak could not start, so the suites cannot run against it:\n${(error as Error).message}`,
    );
    process.exit(1);
  }
}
if (keycloak?.env.MOCKMART_KEYCLOAK_SKIPPED)
  console.log(
    `SKIPPING the Keycloak side of the system and browser suites: ${keycloak.env.MOCKMART_KEYCLOAK_SKIPPED}. ` +
      'Install a JDK (17, 21 or 25) and Maven, and run PostgreSQL on 127.0.0.1:5432, to run them.',
  );

const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 3}`,
    '--test-timeout=300000',
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', ...keycloak?.env } },
);
// Ctrl-C reaches the test runner through the terminal; Keycloak (its own process group) is
// stopped here once the runner has ended.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', async (code, signal) => {
  await keycloak?.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
