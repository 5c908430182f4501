/** `npm start`'s UI build (scripts/lib/ui-build.ts): rebuilt when, and only when, its sources changed. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureUiBuilt, viteBuild } from '../scripts/lib/ui-build.ts';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** A UI folder with a source file and a lockfile beside it; `build` writes dist/index.html and counts. */
function fakeUi(options: { fails?: boolean } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'mockmart-ui-'));
  folders.push(folder);
  const root = join(folder, 'ui');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'main.tsx'), 'export const shop = 1;\n');
  writeFileSync(join(folder, 'package-lock.json'), '{"react":"19.0.0"}\n');
  const distDir = join(root, 'dist');
  let builds = 0;
  const ensure = () =>
    ensureUiBuilt({
      root,
      distDir,
      extraInputs: [join(folder, 'package-lock.json')],
      build: async () => {
        builds++;
        if (options.fails) return false;
        rmSync(distDir, { recursive: true, force: true }); // as Vite's emptyOutDir does
        mkdirSync(distDir, { recursive: true });
        writeFileSync(join(distDir, 'index.html'), '<!doctype html>');
        return true;
      },
    });
  return { folder, root, distDir, ensure, builds: () => builds };
}

test('built once, then left alone while nothing changed', async () => {
  const ui = fakeUi();
  assert.equal(await ui.ensure(), 'built');
  assert.equal(await ui.ensure(), 'current');
  assert.equal(await ui.ensure(), 'current');
  assert.equal(ui.builds(), 1);
});

test('a changed, added or removed source file, or a changed lockfile, builds again', async () => {
  const ui = fakeUi();
  await ui.ensure();
  writeFileSync(join(ui.root, 'src', 'main.tsx'), 'export const shop = 2;\n');
  assert.equal(await ui.ensure(), 'built');
  writeFileSync(join(ui.root, 'src', 'cart.tsx'), 'export const cart = 1;\n');
  assert.equal(await ui.ensure(), 'built');
  rmSync(join(ui.root, 'src', 'cart.tsx'));
  assert.equal(await ui.ensure(), 'built');
  writeFileSync(join(ui.folder, 'package-lock.json'), '{"react":"19.1.0"}\n');
  assert.equal(await ui.ensure(), 'built');
  assert.equal(await ui.ensure(), 'current');
  assert.equal(ui.builds(), 5);
});

test('a dist folder without index.html (deleted, or built by hand over ours) builds again', async () => {
  const ui = fakeUi();
  await ui.ensure();
  rmSync(join(ui.distDir, 'index.html'));
  assert.equal(await ui.ensure(), 'built');
  // A build by hand empties dist/ and leaves no hash: rebuilt once, then current.
  rmSync(join(ui.distDir, '.source-hash'));
  assert.equal(await ui.ensure(), 'built');
  assert.equal(await ui.ensure(), 'current');
});

test('a failed build leaves no hash: the next start tries again', async () => {
  const ui = fakeUi({ fails: true });
  assert.equal(await ui.ensure(), 'failed');
  assert.equal(await ui.ensure(), 'failed');
  assert.equal(ui.builds(), 2);
  assert.equal(existsSync(join(ui.distDir, '.source-hash')), false);
});

test('the real Vite build of apps/shop-ui writes an index.html', { timeout: 60_000 }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'mockmart-ui-dist-'));
  folders.push(outDir);
  assert.equal(await viteBuild(outDir), true);
  assert.ok(existsSync(join(outDir, 'index.html')));
});
