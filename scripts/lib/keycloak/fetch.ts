/**
 * Fetches the Keycloak server distribution from Maven Central through Maven (the local
 * repository ~/.m2 caches it) and unpacks it into a folder.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KEYCLOAK_VERSION } from './options.ts';
import { runCommand } from './command.ts';

/** Pinned: a newer maven-dependency-plugin may need a newer Maven than Debian's 3.8.7. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';
export const DISTRIBUTION_ARTIFACT = `org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:tar.gz`;

export async function fetchDistribution(into: string): Promise<void> {
  const download = await mkdtemp(`${into}-download-`);
  try {
    await runCommand(
      'mvn',
      [
        '-B',
        '-q',
        `${DEPENDENCY_PLUGIN}:copy`,
        `-Dartifact=${DISTRIBUTION_ARTIFACT}`,
        `-DoutputDirectory=${download}`,
        '-Dtransitive=false',
      ],
      { what: `Maven fetching ${DISTRIBUTION_ARTIFACT}` },
    );
    const [archive] = (await readdir(download)).filter((name) => name.endsWith('.tar.gz'));
    if (!archive) throw new Error(`Maven fetched no ${DISTRIBUTION_ARTIFACT}`);
    await runCommand('mkdir', ['-p', into], { what: 'creating the Keycloak folder' });
    await runCommand('tar', ['-xzf', join(download, archive), '-C', into, '--strip-components=1'], {
      what: `unpacking ${archive}`,
    });
  } finally {
    await rm(download, { recursive: true, force: true });
  }
}
