/**
 * Finds a JDK Keycloak 26.7 supports (17, 21 or 25), newest first: JAVA_HOME, the JDKs under
 * /usr/lib/jvm (Debian's and Temurin's packages install there), then `java` on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { realpathSync } from 'node:fs';

export const SUPPORTED_JAVA = [25, 21, 17];

export interface Java {
  home: string;
  major: number;
}

export function findJava(env: NodeJS.ProcessEnv = process.env): Java | undefined {
  const homes = new Set<string>();
  if (env.JAVA_HOME) homes.add(env.JAVA_HOME);
  if (existsSync('/usr/lib/jvm'))
    for (const name of readdirSync('/usr/lib/jvm')) homes.add(join('/usr/lib/jvm', name));
  const onPath = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) homes.add(dirname(dirname(realpathSync(onPath))));

  const found = [...homes].flatMap((home) => {
    const major = javaMajor(home);
    return major && SUPPORTED_JAVA.includes(major) ? [{ home: realpathSync(home), major }] : [];
  });
  found.sort((a, b) => b.major - a.major);
  return found[0];
}

function javaMajor(home: string): number | undefined {
  const java = join(home, 'bin/java');
  if (!existsSync(java)) return undefined;
  // `java -version` prints e.g. `openjdk version "25.0.1" 2025-10-21` (or "1.8.0_…" for Java 8).
  const out = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 10_000 }).stderr ?? '';
  const match = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (!match) return undefined;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}
