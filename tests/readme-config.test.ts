import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { END, START, renderConfigReference } from '../scripts/lib/config-reference.ts';

test("the README's configuration reference matches every service's config schema", async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
  assert.equal(section, await renderConfigReference(), 'run node scripts/config-doc.ts and commit README.md');
});
