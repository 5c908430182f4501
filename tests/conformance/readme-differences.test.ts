/**
 * packages/idp/README.md lists the idp's remaining differences from Keycloak: exactly the
 * allow-list of the conformance suite, entry for entry, so neither drifts from the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ALLOWED_DIFFERENCES } from './allowed-differences.ts';

const README = new URL('../../packages/idp/README.md', import.meta.url);
const HEADING = '## Differences from Keycloak 26.7';

/** The README's entries, as the lines `- \`<where>\` — <reason>` under the heading. */
async function readmeEntries(): Promise<string[]> {
  const text = await readFile(README, 'utf8');
  const start = text.indexOf(HEADING);
  assert.ok(start >= 0, `packages/idp/README.md has no "${HEADING}" section`);
  const section = text.slice(start + HEADING.length).split(/\n## /)[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('- `'))
    .map((line) => line.trim());
}

export const readmeLine = (entry: { where: string; reason: string }) =>
  `- \`${entry.where}\` — ${entry.reason}`;

test("the idp README's differences are the conformance allow-list", async () => {
  assert.deepEqual(
    await readmeEntries(),
    ALLOWED_DIFFERENCES.map(readmeLine),
    `update "${HEADING}" in packages/idp/README.md to list tests/conformance/allowed-differences.ts`,
  );
});

test('every allowed difference says why', () => {
  for (const entry of ALLOWED_DIFFERENCES) {
    assert.match(entry.where, /^\S+( \S+)* [/*]\S*$/, `"${entry.where}" is "<case> <path>"`);
    assert.ok(entry.reason.length >= 20, `"${entry.where}" needs a reason`);
  }
});
