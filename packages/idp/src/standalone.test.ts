import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { basic, oidcUrl, postForm } from './testing/index.ts';

const SERVER = new URL('./server.ts', import.meta.url).pathname;
const ROTATE = new URL('./rotate-running-keys.ts', import.meta.url).pathname;

/** `npm run idp` and `npm run idp:rotate-keys` as real processes, in an empty environment. */
describe('standalone idp on a clean checkout', { timeout: 60_000 }, () => {
  let dir: string;
  let child: ChildProcess;
  let baseUrl: string;
  const lines: Record<string, unknown>[] = [];
  const env = () => ({
    PATH: process.env.PATH ?? '',
    // Kept out of the checkout: the repository's own .secrets and .data stay untouched.
    MOCKMART_SECRETS_FILE: join(dir, 'secrets/local.env'),
    IDP_DATA_DIR: join(dir, 'idp'),
    IDP_PORT: '0',
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-standalone-'));
    child = spawn(process.execPath, [SERVER], { cwd: dir, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`idp exited with ${code}: ${stderr.join('')}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'idp listening') baseUrl = `${entry.url as string}/auth`;
        if (entry.msg === 'idp ready') resolve();
      });
    });
    await ready;
  });
  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  });

  const idp = () => ({ baseUrl }) as Parameters<typeof oidcUrl>[0];

  test('starts with no secret set: generates the local secrets file (0600) and serves discovery', async () => {
    const file = join(dir, 'secrets/local.env');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.ok(lines.some((l) => l.msg === 'generated local secrets (untracked)' && l.secretsFile === file));
    const discovery = await fetch(`${baseUrl}/realms/techstore/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    assert.equal(
      ((await discovery.json()) as { issuer: string }).issuer,
      'http://localhost:8080/auth/realms/techstore',
    );
  });

  test('the realm uses the secrets of that file, and logs carry trace ids', async () => {
    const secrets = Object.fromEntries(
      (await readFile(join(dir, 'secrets/local.env'), 'utf8'))
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    ) as Record<string, string>;
    const res = await postForm(
      oidcUrl(idp(), 'token'),
      { grant_type: 'client_credentials', scope: 'inventory-api' },
      basic('shop-api', secrets.SHOP_API_CLIENT_SECRET as string),
    );
    assert.equal(res.status, 200);
    await fetch(`${baseUrl}/realms/techstore`);
    const deadline = Date.now() + 5000;
    const traced = () => lines.find((l) => l.msg === 'request completed' && typeof l.trace_id === 'string');
    while (!traced() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.match(String(traced()?.trace_id), /^[0-9a-f]{32}$/);
  });

  const rotate = async (extraEnv: Record<string, string> = {}) => {
    const run = spawn(process.execPath, [ROTATE], {
      cwd: dir,
      env: { ...env(), IDP_URL: baseUrl, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    run.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(run, 'exit')) as [number];
    return {
      code,
      log: out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  };
  const kids = async () =>
    ((await (await fetch(oidcUrl(idp(), 'certs'))).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );

  test('npm run idp:rotate-keys rotates the running idp with the operator credential from the secrets file', async () => {
    const before = await kids();
    const { code, log } = await rotate();
    assert.equal(code, 0, JSON.stringify(log));
    const kid = log.find((l) => l.msg?.toString().startsWith('keys rotated'))?.kid as string;
    assert.ok(kid && !before.includes(kid));
    assert.deepEqual(await kids(), [kid, ...before], 'the new key signs, the old one stays published');
  });

  test('a wrong operator password is refused and named, and nothing rotates', async () => {
    const before = await kids();
    const { code, log } = await rotate({ IDP_BOOTSTRAP_ADMIN_PASSWORD: 'not-the-one' });
    assert.equal(code, 1);
    assert.match(String(log.at(-1)?.msg), /refused the operator credential of temp-admin/);
    assert.deepEqual(await kids(), before);
  });
});
