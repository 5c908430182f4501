/**
 * The parts of MockMart as processes: how each is started, its environment and how to tell it is
 * ready. `npm start` and the cross-service tests both run the system from this one description.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

export interface Ports {
  gateway: number;
  idp: number;
  shopApi: number;
  inventory: number;
  payment: number;
  notification: number;
}

export const DEFAULT_PORTS: Ports = {
  gateway: 8080,
  idp: 8081,
  shopApi: 3001,
  inventory: 3011,
  payment: 3010,
  notification: 3009,
};

/**
 * Client secrets of the realm, the gateway's session key, the idp operator's password (master
 * realm `temp-admin`, used by `npm run idp:rotate-keys`) and the bootstrap admin's password of
 * `npm start -- --keycloak`: generated, never committed.
 */
export const SECRET_NAMES = [
  'GATEWAY_CLIENT_SECRET',
  'SHOP_API_CLIENT_SECRET',
  'INVENTORY_CLIENT_SECRET',
  'PAYMENT_CLIENT_SECRET',
  'NOTIFICATION_CLIENT_SECRET',
  'ORDER_RECONCILER_CLIENT_SECRET',
  'GATEWAY_SESSION_KEY',
  'IDP_BOOTSTRAP_ADMIN_PASSWORD',
  'KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD',
] as const;

export type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

export function generateSecrets(): Secrets {
  return Object.fromEntries(
    SECRET_NAMES.map((name) => [name, randomBytes(32).toString('base64url')]),
  ) as Secrets;
}

export interface PartSpec {
  name: string;
  /** The program; Node (the one running this) when unset. */
  command?: string;
  /** Arguments after the program (after `node` by default). */
  args: string[];
  env: Record<string, string>;
  url: string;
  readyUrl: string;
  /** How long the part may take to become ready (default 90 s). */
  readyTimeoutMs?: number;
  /**
   * The part runs in its own process group, which stop() signals as a whole: a wrapper script
   * (Keycloak's kc.sh) must not leave its child (the JVM) behind when it is killed.
   */
  processGroup?: boolean;
  /** Runs once the part is ready (after each start), before the next wave starts. */
  afterReady?: () => Promise<void>;
}

/** The parts with a database of their own (PGlite under dataRoot, or one database each on PostgreSQL). */
export const DATABASE_SERVICES = ['gateway', 'shop-api', 'inventory', 'payment', 'notification'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];

export interface SystemPlan {
  ports: Ports;
  secrets: Secrets;
  /** Folder for PGlite data, idp keys and traces. */
  dataRoot: string;
  /** Per-service PostgreSQL URLs; a service without one uses PGlite under dataRoot. */
  databaseUrls?: Partial<Record<DatabaseService, string>>;
  host?: string;
  nodeEnv?: string;
  logLevel?: string;
  /** PostgreSQL connections per service (DATABASE_POOL_SIZE); tests run several systems at once. */
  poolSize?: number;
  /** Extra environment per part (tests shorten timers, point to fakes…). */
  extraEnv?: Partial<Record<string, Record<string, string>>>;
  /** Real Keycloak instead of the embedded idp; the services and the UI run unchanged. */
  keycloak?: KeycloakPlan;
}

export interface KeycloakPlan {
  /** Where the services and the gateway's /auth/* proxy reach Keycloak (no relative path). */
  url: string;
  realm: string;
  /** Keycloak as a part of this system (npm start); unset when it runs already (shared by tests). */
  part?: PartSpec;
}

const TELEMETRY = ['--import', '@mockmart/service-kit/telemetry/register'];

/**
 * For a service on embedded PGlite: V8 compiles PGlite's PostgreSQL (WASM) with its baseline
 * compiler only. By default it also re-compiles the hot functions with its optimising compiler,
 * which costs ≈1.8 s of CPU per process at start (five services at once on a laptop) and, measured
 * on PGlite's own query loop, buys no speed (bench/pglite-liftoff.bench.ts).
 */
const EMBEDDED_DATABASE_FLAGS = ['--liftoff-only'];

export function planParts(plan: SystemPlan): PartSpec[] {
  const host = plan.host ?? '127.0.0.1';
  const { ports, secrets } = plan;
  const at = (port: number) => `http://${host}:${port}`;
  const publicUrl = `http://localhost:${ports.gateway}`;
  const idpUrl = plan.keycloak?.url ?? at(ports.idp);
  const common = {
    NODE_ENV: plan.nodeEnv ?? 'development',
    LOG_LEVEL: plan.logLevel ?? 'info',
    HOST: host,
    TRACES_DIR: join(plan.dataRoot, 'traces'),
    KEYCLOAK_PUBLIC_URL: publicUrl,
    KEYCLOAK_INTERNAL_URL: idpUrl,
    KEYCLOAK_REALM: plan.keycloak?.realm ?? 'techstore',
    KEYCLOAK_RELATIVE_PATH: '/auth',
    ...(plan.poolSize ? { DATABASE_POOL_SIZE: String(plan.poolSize) } : {}),
  };
  const service = (name: DatabaseService, port: number, env: Record<string, string>): PartSpec => ({
    name,
    args: [
      ...(plan.databaseUrls?.[name] ? [] : EMBEDDED_DATABASE_FLAGS),
      ...TELEMETRY,
      `services/${name}/src/server.ts`,
    ],
    env: {
      ...common,
      OTEL_SERVICE_NAME: name,
      PORT: String(port),
      DATA_DIR: join(plan.dataRoot, name),
      ...(plan.databaseUrls?.[name] ? { DATABASE_URL: plan.databaseUrls[name] } : {}),
      ...env,
      ...plan.extraEnv?.[name],
    },
    url: at(port),
    readyUrl: `${at(port)}/health/ready`,
  });

  const identity: PartSpec[] = plan.keycloak
    ? plan.keycloak.part
      ? [plan.keycloak.part]
      : []
    : [
        {
          name: 'idp',
          args: [...TELEMETRY, 'packages/idp/src/server.ts'],
          env: {
            NODE_ENV: common.NODE_ENV,
            LOG_LEVEL: common.LOG_LEVEL,
            TRACES_DIR: common.TRACES_DIR,
            OTEL_SERVICE_NAME: 'idp',
            IDP_HOST: host,
            IDP_PORT: String(ports.idp),
            IDP_PUBLIC_URL: publicUrl,
            IDP_RELATIVE_PATH: '/auth',
            IDP_DATA_DIR: join(plan.dataRoot, 'idp'),
            GATEWAY_PUBLIC_URL: publicUrl,
            ...secrets,
            ...plan.extraEnv?.idp,
          },
          url: idpUrl,
          readyUrl: `${idpUrl}/auth/realms/techstore/.well-known/openid-configuration`,
        },
      ];
  return [
    ...identity,
    service('inventory', ports.inventory, { KEYCLOAK_CLIENT_ID: 'inventory-service' }),
    service('payment', ports.payment, { KEYCLOAK_CLIENT_ID: 'payment-service' }),
    service('notification', ports.notification, { KEYCLOAK_CLIENT_ID: 'notification-service' }),
    service('shop-api', ports.shopApi, {
      KEYCLOAK_CLIENT_ID: 'shop-api',
      KEYCLOAK_CLIENT_SECRET: secrets.SHOP_API_CLIENT_SECRET,
      INVENTORY_URL: at(ports.inventory),
      PAYMENT_URL: at(ports.payment),
      NOTIFICATION_URL: at(ports.notification),
    }),
    service('gateway', ports.gateway, {
      KEYCLOAK_CLIENT_ID: 'gateway',
      KEYCLOAK_CLIENT_SECRET: secrets.GATEWAY_CLIENT_SECRET,
      GATEWAY_PUBLIC_URL: publicUrl,
      GATEWAY_SESSION_KEY: secrets.GATEWAY_SESSION_KEY,
      SHOP_API_URL: at(ports.shopApi),
      IDP_URL: idpUrl,
      UI_DIST_DIR: join(REPO_ROOT, 'apps/shop-ui/dist'),
    }),
  ];
}

/**
 * Parts that may start together once the ones before them are ready. Every service checks the
 * idp's issuer at start-up, so the identity provider (idp or Keycloak, with its realm imported)
 * comes first; the services never need each other at start (shop-api degrades and retries while a
 * downstream is not up yet), so they start together.
 */
export const START_WAVES = [
  ['idp', 'keycloak'],
  ['inventory', 'payment', 'notification', 'shop-api', 'gateway'],
];
