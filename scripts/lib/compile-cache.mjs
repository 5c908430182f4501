/**
 * Preloaded by `npm start` (`--import`, see package.json): turns Node's on-disk compile cache on
 * before the supervisor's first TypeScript file loads, in the folder the parts use too
 * (COMPILE_CACHE_DIR in parts.ts). A warm start then neither strips types nor compiles: Node does
 * not even load its TypeScript stripper, ≈ 25 MiB the supervisor would hold for as long as it runs.
 * JavaScript, because a TypeScript preload would need that stripper itself.
 */
import { enableCompileCache } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

enableCompileCache(
  process.env.NODE_COMPILE_CACHE ||
    fileURLToPath(new URL('../../node_modules/.cache/node-compile-cache', import.meta.url)),
);
