import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { secret } from '@mockmart/service-kit/config';
import { END, START, referenceRows, renderConfigReference } from '../scripts/lib/config-reference.ts';

test("the README's configuration reference matches every service's config schema", async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
  assert.equal(section, await renderConfigReference(), 'run node scripts/config-doc.ts and commit README.md');
});

test('the reference prints a default even on a secret, so the table cannot hide one', () => {
  const schema = Type.Object({
    CLIENT_SECRET: secret('client secret'),
    LEAKED_SECRET: { ...secret('a secret someone gave a default'), default: 'everyone-knows-it' },
  });
  const [clean, leaked] = referenceRows(schema);
  assert.match(clean ?? '', /\| `CLIENT_SECRET` \| secret, no default \(or `CLIENT_SECRET_FILE`\) \|/);
  assert.match(
    leaked ?? '',
    /\| `LEAKED_SECRET` \| `everyone-knows-it` \(\*\*secret with a default\*\*\) \|/,
  );
});
