/**
 * Every service applies its migrations in file-name order: two files with the same number (easy
 * to get when two changes land side by side) would leave their order to the rest of the name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { REPO_ROOT } from '@mockmart/devstack';

test('each service numbers its migrations once each', () => {
  const files = globSync('services/*/migrations/*.sql', { cwd: REPO_ROOT });
  assert.ok(files.length > 0);
  const seen = new Map<string, string>();
  for (const file of files) {
    const key = `${dirname(file)}/${basename(file).split('_')[0]}`;
    assert.equal(seen.get(key), undefined, `${file} has the same number as ${seen.get(key)}`);
    seen.set(key, file);
  }
});
