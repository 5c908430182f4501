/**
 * Problem 6 of the seed article: "anyone with access to the repository has the secret". This scan
 * reads every tracked file and fails on private keys, literal client secrets, secret defaults in
 * code and realm secrets that are not ${ENV} placeholders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url).pathname;
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file && !file.endsWith('package-lock.json') && !/\.(png|jpg|ico|woff2?)$/.test(file));

// Test files may hold throwaway fixtures; everything that ships may not.
const shipped = tracked.filter(
  (file) => !/(\.test\.ts|test-helpers\.ts|\/testing\/|\/fixtures\/|^tests\/)/.test(file),
);

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
