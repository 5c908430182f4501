/**
 * `npm test`: every *.test.ts of every workspace and of tests/, on Node's own test runner.
 * Files run in parallel (bounded), tests inside a file in order; the closing summary lines are
 * node:test's own (tests / pass / fail).
 *
 * Tests make throwaway databases on the local PostgreSQL (127.0.0.1:5432, as in CI). When it does
 * not answer, one embedded PostgreSQL server runs for the whole run, named to every test process
 * in MOCKMART_TEST_POSTGRES_URL.
 *
 * When a cross-service, browser or conformance suite is among the files, one real Keycloak is
 * started first and shared by them all (each suite imports its own realm): those suites run
 * against the embedded idp and against Keycloak. Without a JDK or Maven the Keycloak side is skipped
 * with the reason (a failure when CI=true); MOCKMART_KEYCLOAK=skip skips it on purpose.
 */
import { globSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LOCAL_POSTGRES } from '@mockmart/service-kit/testing';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './lib/embedded-postgres.ts';
import { freePorts } from './lib/free-ports.ts';
import { startSharedKeycloak, type SharedKeycloak } from './lib/keycloak/shared-for-tests.ts';

const roots = ['packages', 'services', 'apps', 'tests'];
const only = process.argv.slice(2);
const files = (only.length > 0 ? only : roots.map((root) => `${root}/**/*.test.ts`))
  .flatMap((pattern) => globSync(pattern, { exclude: (name) => name === 'node_modules' || name === 'dist' }))
  .sort();

console.log(`MockMart tests on Node ${process.version}: ${files.length} files`);

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
let embedded: { server: EmbeddedPostgres; folder: string } | undefined;
if (!process.env.MOCKMART_TEST_POSTGRES_URL && !(await answers(LOCAL_POSTGRES))) {
  const folder = mkdtempSync(join(tmpdir(), 'mockmart-test-postgres-'));
  chmodSync(folder, 0o755); // as root the server runs as the postgres user, who must reach it
  const server = await startEmbeddedPostgres({
    dataDir: join(folder, 'data'),
    port: (await freePorts(1))[0]!,
    password: randomBytes(18).toString('base64url'),
    throwaway: true,
  });
  embedded = { server, folder };
  env.MOCKMART_TEST_POSTGRES_URL = server.url();
  console.log('No PostgreSQL at 127.0.0.1:5432: the tests use an embedded server.');
}

const needsKeycloak = files.some((file) => /(^|\/)tests\/(system|e2e|keycloak|conformance)/.test(file));
let keycloak: SharedKeycloak | undefined;
if (needsKeycloak && process.env.MOCKMART_KEYCLOAK === 'skip' && process.env.CI !== 'true') {
  keycloak = { env: { MOCKMART_KEYCLOAK_SKIPPED: 'MOCKMART_KEYCLOAK=skip' }, stop: async () => {} };
} else if (needsKeycloak) {
  try {
    keycloak = await startSharedKeycloak(env.MOCKMART_TEST_POSTGRES_URL ?? LOCAL_POSTGRES, (line) =>
      console.log(line),
    );
  } catch (error) {
    console.error(
      `Keycloak could not start, so the suites cannot run against it:\n${(error as Error).message}`,
    );
    await embedded?.server.stop();
    process.exit(1);
  }
}
if (keycloak?.env.MOCKMART_KEYCLOAK_SKIPPED)
  console.log(
    `SKIPPING the Keycloak side of the system and browser suites: ${keycloak.env.MOCKMART_KEYCLOAK_SKIPPED}. ` +
      'Install a JDK (17, 21 or 25) and Maven to run them.',
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
  { stdio: 'inherit', env: { ...env, ...keycloak?.env } },
);
// Ctrl-C reaches the test processes too; a plain kill of this one is passed on. Either way
// Keycloak (its own process group) and the embedded server are stopped once they are gone.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', async (code, signal) => {
  await keycloak?.stop();
  if (embedded) {
    await embedded.server.stop();
    rmSync(embedded.folder, { recursive: true, force: true });
  }
  process.exit(code ?? (signal ? 1 : 0));
});

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
