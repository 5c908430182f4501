import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, pgliteCluster } from '@mockmart/service-kit/db';

/**
 * Gives every service folder without an embedded database a fresh, empty PGlite cluster, made by
 * one initdb and copied. On a first `npm start` each service would otherwise run PGlite's initdb
 * itself — seconds of CPU each, five at once on a laptop's cores — for identical empty clusters.
 * A folder whose cluster exists is never touched; one left half-made by an interrupted initdb
 * (no PG_VERSION yet, so it holds no data) is replaced. Returns the services it seeded.
 */
export async function seedPgliteFolders(dataRoot: string, services: string[]): Promise<string[]> {
  const missing = services.filter(
    (service) => !existsSync(join(pgliteCluster(join(dataRoot, service)), 'PG_VERSION')),
  );
  if (missing.length === 0) return [];

  mkdirSync(dataRoot, { recursive: true });
  const seed = mkdtempSync(join(dataRoot, '.pglite-seed-'));
  try {
    // A clean close leaves a shut-down cluster, which is safe to copy file by file.
    await (await openDatabase({ dataDir: seed })).close();
    for (const service of missing) {
      const target = pgliteCluster(join(dataRoot, service));
      rmSync(target, { recursive: true, force: true });
      cpSync(pgliteCluster(seed), target, { recursive: true });
    }
  } finally {
    rmSync(seed, { recursive: true, force: true });
  }
  return missing;
}
