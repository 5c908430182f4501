/**
 * Problem 6 of the seed article: "anyone with access to the repository has the secret". This scan
 * reads every tracked file and fails on private keys, literal client secrets, secret defaults in
 * code and realm secrets that are not ${ENV} placeholders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { TObject, TSchema } from '@sinclair/typebox';
import { isSecret } from '@mockmart/service-kit/config';

const root = new URL('../', import.meta.url).pathname;
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file && !file.endsWith('package-lock.json') && !/\.(png|jpg|ico|woff2?)$/.test(file));

// Test files may hold throwaway fixtures; everything that ships may not.
const shipped = tracked.filter((file) => !/(\.test\.ts|\/testing\/|\/fixtures\/|^tests\/)/.test(file));

const RULES: Array<{ name: string; pattern: RegExp; files?: RegExp }> = [
  { name: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'literal client_secret', pattern: /client_secret\s*[=:]\s*["']?(?!\$\{)[A-Za-z0-9_-]{8,}/ },
  {
    name: 'secret default in code',
    pattern: /(SECRET|PASSWORD|_KEY)[A-Z_]*\s*\|\|\s*['"][^'"]+['"]/,
    files: /\.(ts|tsx|js)$/,
  },
  {
    name: 'realm secret that is not a ${ENV} placeholder',
    pattern: /"secret"\s*:\s*"(?!\$\{)[^"]+"/,
    files: /^deploy\/keycloak\/.*\.json$/,
  },
  { name: 'the original demo secret', pattern: /shop-api-secret|demo-secret-key-change-in-production/ },
];

test('no tracked file that ships holds a secret (private keys, client secrets, secret defaults)', () => {
  const findings: string[] = [];
  for (const file of shipped) {
    let text: string;
    try {
      text = readFileSync(`${root}${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const rule of RULES) {
      if (rule.files && !rule.files.test(file)) continue;
      const match = rule.pattern.exec(text);
      if (match) findings.push(`${file}: ${rule.name} (${match[0].slice(0, 40)}…)`);
    }
  }
  assert.deepEqual(findings, [], `secrets found:\n${findings.join('\n')}`);
});

test('local secrets and data folders are ignored by git', () => {
  const ignored = execFileSync('git', ['check-ignore', '.secrets/local.env', '.data/idp/keys.json', '.env'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(ignored.trim().split('\n').length, 3);
});

// Names that hold credentials. Durations about tokens (TOKEN_REFRESH_AHEAD_SECONDS) are not secrets.
const SECRET_NAME = /SECRET|PASSWORD|_KEY$|TOKEN/;
const DURATION = /_(MS|SECONDS)$/;

test("every service's config marks credential fields secret() and gives them no default", async () => {
  const services = readdirSync(`${root}services`).filter((name) =>
    existsSync(`${root}services/${name}/src/config.ts`),
  );
  assert.ok(services.length >= 5, `found only ${services.join(', ')}`);
  // packages/idp reads its environment without the kit (packages/idp/src/config.ts) and has no schema.
  const problems: string[] = [];
  let checked = 0;
  for (const service of services) {
    const { configSchema } = (await import(`${root}services/${service}/src/config.ts`)) as {
      configSchema: TObject;
    };
    for (const [name, schema] of Object.entries(configSchema.properties as Record<string, TSchema>)) {
      if (!SECRET_NAME.test(name) || DURATION.test(name)) continue;
      checked++;
      if (!isSecret(schema)) problems.push(`${service} ${name} is not secret()`);
      if (schema.default !== undefined) problems.push(`${service} ${name} has a default`);
    }
  }
  assert.ok(checked >= 3, `only ${checked} credential fields found: the name pattern no longer matches`);
  assert.deepEqual(problems, []);
});
