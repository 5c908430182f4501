/**
 * Project files reference only the repository: a path on one machine (`/work/…`, `/home/…`) or a
 * note that never shipped with it (research notes, the seed articles by file name) is a dead link
 * for every other reader. Public sources (Keycloak's docs and code, RFCs) are cited by name or URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url).pathname;
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file && file !== 'tests/repo-references.test.ts' && !file.endsWith('package-lock.json'))
  .filter((file) => !/\.(png|jpg|ico|woff2?)$/.test(file));

const OUTSIDE: Array<{ name: string; pattern: RegExp }> = [
  { name: 'a path on a developer machine', pattern: /(^|[\s`'"(])\/(work|home|Users|root)\/[\w.-]/ },
  {
    name: 'a note that is not in the repository',
    pattern:
      /wire-facts|original-system\.md|reliability-security-catalog|auth-library-guide|shared\/reference/,
  },
  { name: 'a seed article by its file name', pattern: /\bseeds\/\d{3}/ },
];

test('no tracked file points outside the repository', () => {
  const findings: string[] = [];
  for (const file of tracked) {
    let text: string;
    try {
      text = readFileSync(`${root}${file}`, 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((line, index) => {
      for (const rule of OUTSIDE)
        if (rule.pattern.test(line))
          findings.push(`${file}:${index + 1}: ${rule.name}: ${line.trim().slice(0, 100)}`);
    });
  }
  assert.deepEqual(findings, [], `references outside the repository:\n${findings.join('\n')}`);
});
