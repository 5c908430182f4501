/**
 * The UI under test. Each run builds apps/shop-ui into its own folder (about a second) so the suite
 * always exercises the current source, never a stale apps/shop-ui/dist, and with the development
 * "test card" payment method switched on. The gateway serves it through UI_DIST_DIR. The folder is
 * per process: test files run in parallel, and vite empties its output folder before writing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@mockmart/devstack';

export const UI_DIR = join(REPO_ROOT, 'apps/shop-ui');
export const E2E_UI_DIST = join(REPO_ROOT, `test-results/e2e-shop-ui-dist-${process.pid}`);

export async function buildUi(outDir = E2E_UI_DIST): Promise<string> {
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: UI_DIR,
        env: { ...process.env, NODE_ENV: 'production', VITE_TEST_PAYMENT_METHODS: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !existsSync(join(outDir, 'index.html'))) {
    throw new Error(`vite build of apps/shop-ui failed (exit ${code}):\n${output.join('')}`);
  }
  return outDir;
}
