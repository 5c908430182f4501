/**
 * A built Keycloak in the user's cache folder (outside the checkout, so every clone and every CI
 * run on the machine reuses it): `$XDG_CACHE_HOME/mockmart/keycloak/<version>-<hash of the build
 * options>`. Fetching and `kc.sh build` happen once per key, under a lock file so two test runs
 * starting together do not build the same folder at once.
 */
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  closeSync,
  writeSync,
  rmSync,
  statSync,
} from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildDistribution } from './build.ts';
import { fetchDistribution } from './fetch.ts';
import { findJava, SUPPORTED_JAVA, type Java } from './java.ts';
import { distributionKey, KEYCLOAK_VERSION } from './options.ts';

export interface KeycloakInstall {
  /** The built distribution (bin/kc.sh, lib/, …). */
  home: string;
  java: Java;
  /** Whether this call fetched and built it (the first start on a machine). */
  built: boolean;
}

export class KeycloakUnavailable extends Error {}

export function keycloakCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mockmart', 'keycloak');
}

const BUILT_MARKER = '.mockmart-built';

export async function ensureKeycloak(
  options: { log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<KeycloakInstall> {
  const log = options.log ?? (() => {});
  const java = findJava(options.env);
  if (!java)
    throw new KeycloakUnavailable(
      `Keycloak ${KEYCLOAK_VERSION} needs a JDK ${SUPPORTED_JAVA.join(', ')} (none found in JAVA_HOME, /usr/lib/jvm or on PATH): ` +
        'install one, e.g. apt-get install openjdk-17-jdk-headless',
    );
  const root = keycloakCacheRoot(options.env);
  const home = join(root, distributionKey());
  if (existsSync(join(home, BUILT_MARKER))) return { home, java, built: false };

  mkdirSync(root, { recursive: true });
  return withLock(`${home}.lock`, log, async () => {
    // Another run may have finished it while this one waited for the lock.
    if (existsSync(join(home, BUILT_MARKER))) return { home, java, built: false };
    const partial = `${home}.partial`;
    await rm(partial, { recursive: true, force: true });
    log(`Fetching Keycloak ${KEYCLOAK_VERSION} through Maven into ${home} (once per machine)…`);
    await fetchDistribution(partial).catch((error: Error) => {
      // No Maven, or Maven Central unreachable: Keycloak cannot run here (a skip outside CI).
      throw new KeycloakUnavailable(error.message, { cause: error });
    });
    log(`Building Keycloak (kc.sh build) on Java ${java.major}…`);
    await buildDistribution(partial, java);
    closeSync(openSync(join(partial, BUILT_MARKER), 'w'));
    await rm(home, { recursive: true, force: true });
    await rename(partial, home);
    return { home, java, built: true };
  });
}

/** Runs `work` holding the lock file (another process holding it is waited for). */
export async function withLock<T>(
  file: string,
  log: (line: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const release = await lock(file, log);
  try {
    return await work();
  } finally {
    release();
  }
}

/** An exclusive lock file holding the owner's pid; a lock left by a dead process is taken over. */
async function lock(file: string, log: (line: string) => void): Promise<() => void> {
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(file, 'utf8') || 0);
    // An empty file is a lock being taken right now, unless it is old (its owner died at once).
    const stale = owner ? !alive(owner) : Date.now() - statSync(file).mtimeMs > 5000;
    if (stale) {
      rmSync(file, { force: true });
      continue;
    }
    if (!told) log(`Waiting for process ${owner}, which is preparing Keycloak (${file})…`);
    told = true;
    if (Date.now() > deadline) throw new Error(`${file} is still held by process ${owner}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
