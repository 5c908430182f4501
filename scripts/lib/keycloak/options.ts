/**
 * The one description of how MockMart runs Keycloak: the pinned version, the build-time options
 * (`kc.sh build`; `start --optimized` refuses to start when they differ) and the start options.
 * `npm start -- --keycloak`, the tests and deploy/compose all use these (tests/deploy-compose.test.ts
 * compares the compose file with them).
 */
import { createHash } from 'node:crypto';

/** Maven Central serves org.keycloak:keycloak-quarkus-dist at this version (26.7.4 is not served). */
export const KEYCLOAK_VERSION = '26.7.3';

/** Where Keycloak serves everything, as behind the gateway's /auth/* proxy. */
export const KEYCLOAK_RELATIVE_PATH = '/auth';

/** Build-time options, as `kc.sh build` takes them and as KC_* variables (compose). */
export const BUILD_OPTIONS: Readonly<Record<string, string>> = {
  db: 'postgres',
  'health-enabled': 'true',
  'http-relative-path': KEYCLOAK_RELATIVE_PATH,
};

/** The cache folder's name: a changed version or build option gets a fresh build. */
export function distributionKey(): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([KEYCLOAK_VERSION, BUILD_OPTIONS]))
    .digest('hex')
    .slice(0, 12);
  return `${KEYCLOAK_VERSION}-${hash}`;
}

export interface StartOptions {
  /** Loopback address and ports of this node. */
  host: string;
  httpPort: number;
  managementPort: number;
  /**
   * The public URL incl. /auth (the `iss` of every token; back-channel URLs follow the request).
   * Unset: no fixed hostname — each realm's `frontendUrl` attribute gives its public URL, so one
   * Keycloak serves realms of several systems (the tests' shared Keycloak).
   */
  publicUrl?: string;
  /** Where the admin console is served (`hostname-admin`), when not at the public URL. */
  adminUrl?: string;
  /** JDBC URL of Keycloak's own database (user and password go in KC_DB_USERNAME/KC_DB_PASSWORD). */
  jdbcUrl: string;
  /** `local` for one node; `ispn` (with a cache stack) for a cluster. */
  cache?: 'local' | 'ispn';
  logLevel?: string;
}

/** Runtime options that deploy/compose shares with the local runs (as KC_* variables there). */
export const SHARED_START_OPTIONS: Readonly<Record<string, string>> = {
  'http-enabled': 'true',
  'proxy-headers': 'xforwarded',
};

/** `kc.sh start --optimized …` arguments for one node. */
export function startArguments(options: StartOptions): string[] {
  const flags: Record<string, string> = {
    ...SHARED_START_OPTIONS,
    'http-host': options.host,
    'http-port': String(options.httpPort),
    'http-management-port': String(options.managementPort),
    'db-url': options.jdbcUrl,
    cache: options.cache ?? 'local',
    'log-level': options.logLevel ?? 'info',
    ...(options.publicUrl
      ? { hostname: options.publicUrl, 'hostname-backchannel-dynamic': 'true' }
      : { 'hostname-strict': 'false' }),
    ...(options.adminUrl ? { 'hostname-admin': options.adminUrl } : {}),
  };
  return ['start', '--optimized', ...Object.entries(flags).map(([name, value]) => `--${name}=${value}`)];
}

/** An option name as Keycloak's environment variable: `health-enabled` → `KC_HEALTH_ENABLED`. */
export function optionVariable(name: string): string {
  return `KC_${name.toUpperCase().replaceAll('-', '_')}`;
}
