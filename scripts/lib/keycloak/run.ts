/**
 * One Keycloak node as a part of the system: `kc.sh start --optimized` from the built
 * distribution, on PostgreSQL, bounded heap, health on the management port. The options are
 * parameters (ports, public URL, cache), so a cluster is several calls with `cache: 'ispn'`.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { PartSpec } from '@mockmart/devstack';
import { startPart, type RunOptions, type RunningPart } from '../processes.ts';
import { jdbcConnection } from './database.ts';
import type { KeycloakInstall } from './install.ts';
import { KEYCLOAK_RELATIVE_PATH, startArguments, type StartOptions } from './options.ts';

export interface KeycloakAdminCredentials {
  username: string;
  password: string;
}

export interface KeycloakNodeOptions extends Omit<StartOptions, 'jdbcUrl' | 'host'> {
  /** Part name in logs and in the supervisor; `keycloak` unless several nodes run. */
  name?: string;
  install: KeycloakInstall;
  host?: string;
  /** postgres://user:password@host:port/database — Keycloak's own database. */
  databaseUrl: string;
  /** The bootstrap admin of the master realm (created on the database's first start). */
  admin: KeycloakAdminCredentials;
  /** JVM heap options; Keycloak's default takes 70 % of the machine's memory. */
  heap?: string;
}

export const DEFAULT_HEAP = '-Xms64m -Xmx512m';

export function keycloakPart(options: KeycloakNodeOptions): PartSpec {
  const host = options.host ?? '127.0.0.1';
  const db = jdbcConnection(options.databaseUrl);
  return {
    name: options.name ?? 'keycloak',
    command: join(options.install.home, 'bin/kc.sh'),
    processGroup: true,
    args: startArguments({ ...options, host, jdbcUrl: db.jdbcUrl }),
    env: {
      JAVA_HOME: options.install.java.home,
      JAVA_OPTS_KC_HEAP: options.heap ?? DEFAULT_HEAP,
      // Secrets through the environment, never on the command line (`ps` shows that).
      KC_DB_USERNAME: db.username,
      KC_DB_PASSWORD: db.password,
      KC_BOOTSTRAP_ADMIN_USERNAME: options.admin.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: options.admin.password,
    },
    url: `http://${host}:${options.httpPort}`,
    readyUrl: `http://${host}:${options.managementPort}${KEYCLOAK_RELATIVE_PATH}/health/ready`,
    readyTimeoutMs: 240_000,
  };
}

/**
 * Starts one node and waits until it is ready. Refuses up front, with the reason, when a port is
 * taken; a node that fails later is stopped (its process group) and the error carries the last
 * lines of its log.
 */
export async function startKeycloak(
  options: KeycloakNodeOptions,
  run: RunOptions = {},
): Promise<RunningPart> {
  const spec = keycloakPart(options);
  const host = options.host ?? '127.0.0.1';
  for (const [what, port] of [
    ['HTTP', options.httpPort],
    ['management', options.managementPort],
  ] as const) {
    if (!(await portFree(host, port)))
      throw new Error(`Keycloak cannot start: its ${what} port ${host}:${port} is already in use`);
  }
  return startPart(spec, run);
}

export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
