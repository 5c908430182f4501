/** How `npm start` launches each part (packages/devstack), checked without starting anything. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPILE_CACHE_DIR,
  DATABASE_SERVICES,
  DEFAULT_PORTS,
  generateSecrets,
  LEAN_NODE_FLAGS,
  planParts,
  REPO_ROOT,
} from './parts.ts';

const secrets = generateSecrets();
const databaseUrls = Object.fromEntries(
  DATABASE_SERVICES.map((service) => [service, `postgres://127.0.0.1:5433/mockmart_${service}`]),
) as Record<(typeof DATABASE_SERVICES)[number], string>;
const parts = new Map(
  planParts({ ports: DEFAULT_PORTS, secrets, dataRoot: '/tmp/mockmart-data', databaseUrls }).map((part) => [
    part.name,
    part,
  ]),
);

test('each service gets its own database as DATABASE_URL, as in production', () => {
  for (const service of DATABASE_SERVICES)
    assert.equal(parts.get(service)?.env.DATABASE_URL, databaseUrls[service], service);
});

test('the idp gets its clients’ secrets but neither a database nor its password', () => {
  const idp = parts.get('idp')!.env;
  assert.equal(idp.GATEWAY_CLIENT_SECRET, secrets.GATEWAY_CLIENT_SECRET);
  assert.equal(idp.DATABASE_URL, undefined);
  assert.ok(!Object.values(idp).includes(secrets.EMBEDDED_POSTGRES_PASSWORD));
});

test('the idp and the supervisor as npm start runs it get the lean V8 flags, the services V8’s defaults', () => {
  assert.deepEqual(parts.get('idp')!.args.slice(0, LEAN_NODE_FLAGS.length), LEAN_NODE_FLAGS);
  for (const service of DATABASE_SERVICES)
    assert.ok(!parts.get(service)!.args.some((arg) => LEAN_NODE_FLAGS.includes(arg)), service);
  const start = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start;
  assert.equal(
    start,
    `node ${LEAN_NODE_FLAGS.join(' ')} --import ./scripts/lib/compile-cache.mjs scripts/start.ts`,
  );
});

test("npm start's compile-cache preload uses the parts' folder, unless NODE_COMPILE_CACHE names another", () => {
  const folder = (env: Record<string, string | undefined>) =>
    execFileSync(
      process.execPath,
      [
        '--import',
        './scripts/lib/compile-cache.mjs',
        '-e',
        // Node adds a folder per version and V8 flags under the one it was given.
        "process.stdout.write(require('node:path').dirname(require('node:module').getCompileCacheDir() ?? 'off/'))",
      ],
      { cwd: REPO_ROOT, env, encoding: 'utf8' },
    );
  const { NODE_COMPILE_CACHE: _, ...env } = process.env;
  assert.equal(folder(env), COMPILE_CACHE_DIR);
  assert.equal(folder({ ...env, NODE_COMPILE_CACHE: '/tmp/elsewhere-cache' }), '/tmp/elsewhere-cache');
});
