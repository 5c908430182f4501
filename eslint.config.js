// One flat config for the whole repository: typescript-eslint's recommended rules, plus the few
// that guard the project's own conventions.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { mockmartPlugin } from './lint/layering.js';

// UI features never import each other (src/app/composition.tsx wires them together), so each
// can change alone. One block per folder under features/, read from disk so a new feature is
// covered the day it appears. The regex sees the import string as written: `../../cart/…`,
// `../../../features/cart/…`.
const FEATURES_DIR = 'apps/shop-ui/src/features';
const features = readdirSync(join(import.meta.dirname, FEATURES_DIR), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const featureIsolation = features.map((feature) => {
  const others = features.filter((name) => name !== feature).join('|');
  return {
    files: [`${FEATURES_DIR}/${feature}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(features/)?(${others})(/|$)|(^|/)features/(${others})(/|$)`,
              message: `features/${feature} may not import another feature: share through src/lib or src/components, or wire them in src/app/composition.tsx.`,
            },
            {
              // The contracts' schemas are TypeBox values: the browser bundle takes their types only.
              group: ['@mockmart/contracts/*'],
              allowTypeImports: true,
              message: 'the UI imports the contracts with `import type` only (no TypeBox in the bundle).',
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  // Dependencies flow one way, packages ← services and apps ← scripts, tests and bench; parts
  // reach each other by package name (`exports`), never by a relative path; every package a file
  // imports is declared in its package.json. The rules: lint/layering.js.
  {
    plugins: { mockmart: mockmartPlugin },
    rules: { 'mockmart/layering': 'error', 'mockmart/declared-dependencies': 'error' },
  },
  // A service's stdout is its log pipe, written by pino off the request path. Touching
  // `process.stdout` creates a stream that switches a piped fd 1 to non-blocking, and the log writer
  // then stalls 100 ms whenever the reader lags (see readableLogs in the kit's logger.ts).
  {
    files: ['services/*/src/**', 'packages/service-kit/src/**', 'packages/idp/src/**'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'stdout',
          message: 'log through the logger; ask readableLogs() whether stdout is a terminal.',
        },
      ],
    },
  },
  ...featureIsolation,
);
