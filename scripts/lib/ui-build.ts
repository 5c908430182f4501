/**
 * The shop UI as `npm start` serves it (the gateway reads apps/shop-ui/dist on every request):
 * built with Vite when its sources changed since the last build, else left as it is. A hash of
 * the UI's files (and of the lockfile, which pins Vite, React and the rest) is written into the
 * dist folder after each successful build; the gateway never serves dot-files, and Vite's build
 * empties the folder, so a build made by hand is followed by one rebuild at the next start.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from '@mockmart/devstack';

export const UI_ROOT = join(REPO_ROOT, 'apps/shop-ui');
const STAMP = '.source-hash';

export interface UiBuildOptions {
  /** The UI's folder (apps/shop-ui): everything in it but dist/ and node_modules/ is source. */
  root: string;
  /** Where the build writes (its dist folder). */
  distDir: string;
  /** Other files the build depends on (the lockfile). */
  extraInputs?: string[];
  /** Runs the build; resolves true when it succeeded. */
  build: () => Promise<boolean>;
}

/** Builds the UI unless the dist folder was built from these very sources; says which. */
export async function ensureUiBuilt(options: UiBuildOptions): Promise<'current' | 'built' | 'failed'> {
  const hash = uiSourceHash(options.root, options.distDir, options.extraInputs ?? []);
  const stamp = join(options.distDir, STAMP);
  const current =
    existsSync(join(options.distDir, 'index.html')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === hash;
  if (current) return 'current';
  if (!(await options.build())) return 'failed';
  writeFileSync(stamp, `${hash}\n`);
  return 'built';
}

/** SHA-256 over the path and content of every source file, in a stable order. */
export function uiSourceHash(root: string, distDir: string, extraInputs: readonly string[]): string {
  const hash = createHash('sha256');
  const skipped = new Set([distDir, join(root, 'node_modules')]);
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(folder, entry.name);
      if (skipped.has(path)) continue;
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile())
        hash
          .update(`${relative(root, path)}\0`)
          .update(readFileSync(path))
          .update('\0');
    }
  };
  visit(root);
  for (const input of extraInputs)
    if (existsSync(input))
      hash
        .update(`${relative(root, input)}\0`)
        .update(readFileSync(input))
        .update('\0');
  return hash.digest('hex');
}

/**
 * `vite build` of apps/shop-ui (what `npm run build -w apps/shop-ui` runs, without npm's own start),
 * warnings and errors shown as they come; into `outDir` instead of dist/ when given.
 */
export function viteBuild(outDir?: string): Promise<boolean> {
  const vite = join(
    dirname(createRequire(join(UI_ROOT, 'package.json')).resolve('vite/package.json')),
    'bin/vite.js',
  );
  const args = [
    vite,
    'build',
    '--logLevel',
    'warn',
    ...(outDir ? ['--outDir', outDir, '--emptyOutDir'] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: UI_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** What `npm start` calls: the repository's UI, rebuilt when its sources or the lockfile changed. */
export function ensureShopUiBuilt(log: (line: string) => void): Promise<'current' | 'built' | 'failed'> {
  return ensureUiBuilt({
    root: UI_ROOT,
    distDir: join(UI_ROOT, 'dist'),
    extraInputs: [join(REPO_ROOT, 'package-lock.json')],
    build: () => {
      log('Building the shop UI (apps/shop-ui/dist), its sources changed since the last build…');
      return viteBuild();
    },
  });
}
