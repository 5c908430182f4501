/**
 * The parts of MockMart as processes: how each is started, its environment and how to tell it is
 * ready. `npm start` and the cross-service tests both run the system from this one description.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const REPO_ROOT = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');

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

/** Each part's Prometheus scrape port under `npm start`: its own port + 1000 (never proxied by the gateway). */
export const DEFAULT_METRICS_PORTS: Ports = {
  gateway: 9080,
  idp: 9081,
  shopApi: 4001,
  inventory: 4011,
  payment: 4010,
  notification: 4009,
};

/** The ports of a local copy started with MOCKMART_PORT_OFFSET (npm start, health, metrics, scenarios). */
export function localPorts(env: Readonly<Record<string, string | undefined>>): {
  ports: Ports;
  metricsPorts: Ports;
  postgresPort: number;
} {
  const offset = Number(env.MOCKMART_PORT_OFFSET ?? 0);
  if (!Number.isInteger(offset))
    throw new Error(`MOCKMART_PORT_OFFSET="${env.MOCKMART_PORT_OFFSET}" is not an integer`);
  const shift = (ports: Ports) =>
    Object.fromEntries(
      Object.entries(ports).map(([part, port]) => [part, port + offset]),
    ) as unknown as Ports;
  return {
    ports: shift(DEFAULT_PORTS),
    metricsPorts: shift(DEFAULT_METRICS_PORTS),
    postgresPort: EMBEDDED_POSTGRES_PORT + offset,
  };
}

/** The embedded PostgreSQL server of `npm start` (shifted by MOCKMART_PORT_OFFSET like the rest). */
export const EMBEDDED_POSTGRES_PORT = 5433;

/**
 * Client secrets of the realm, the gateway's session key, the idp operator's password (master
 * realm `temp-admin`, used by `npm run idp:rotate-keys`), the embedded PostgreSQL superuser's
 * password and the bootstrap admin's password of `npm start -- --keycloak`: generated, never committed.
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
  'EMBEDDED_POSTGRES_PASSWORD',
  'KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD',
] as const;

export type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

export function generateSecrets(): Secrets {
  return Object.fromEntries(
    SECRET_NAMES.map((name) => [name, randomBytes(32).toString('base64url')]),
  ) as Secrets;
}

export interface PartSpec {
  /** Unique per process: the group's name, or `<group>-<n>` for a replica. */
  name: string;
  /** What the process is (`gateway`, `shop-api`…), shared by the replicas of a part; the name when unset. */
  group?: string;
  /** The program; Node (the one running this) when unset. */
  command?: string;
  /** Arguments after the program (after `node` by default). */
  args: string[];
  env: Record<string, string>;
  url: string;
  readyUrl: string;
  /** The Prometheus scrape URL, when the plan gives the part a metrics port. */
  metricsUrl?: string;
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

/** The parts with a database of their own (one each on the PostgreSQL server). */
export const DATABASE_SERVICES = ['gateway', 'shop-api', 'inventory', 'payment', 'notification'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];

export interface SystemPlan {
  ports: Ports;
  /** Each part's Prometheus scrape port (METRICS_PORT); without it the parts expose no metrics endpoint. */
  metricsPorts?: Ports;
  secrets: Secrets;
  /** Folder for the idp's keys and traces. */
  dataRoot: string;
  /** Each service's database (DATABASE_URL). */
  databaseUrls: Record<DatabaseService, string>;
  host?: string;
  nodeEnv?: string;
  logLevel?: string;
  /** PostgreSQL connections per service (DATABASE_POOL_SIZE); tests run several systems at once. */
  poolSize?: number;
  /** Extra environment per part group and, for one replica only, per replica name (`gateway-1`). */
  extraEnv?: Partial<Record<string, Record<string, string>>>;
  /**
   * Scale-out: listen ports of each replica of a part. `ports.gateway` / `ports.shopApi` are then
   * the load balancer's in front of them (the gateway's public URL, shop-api's URL for the gateway),
   * and the replicas share the part's database.
   */
  replicas?: Partial<Record<ReplicatedPart, number[]>>;
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

export const REPLICATED_PARTS = ['gateway', 'shop-api'] as const;
export type ReplicatedPart = (typeof REPLICATED_PARTS)[number];

const TELEMETRY = ['--import', '@mockmart/service-kit/telemetry/register'];

/**
 * V8 flags of the Node processes that see little traffic: the supervisor (package.json's start
 * script) and the idp. Their young generation stays at 1 MiB per semi-space instead of growing to
 * V8's 16 during start-up and never shrinking back (≈ 13 MiB per process at rest). The services keep
 * V8's default: under the read-path bench the small young generation cost shop-api and the gateway
 * up to 60 % more CPU per order-history request (scavenges, early promotion), while the idp's CPU
 * per client-credentials grant stayed within the noise (bench/README.md).
 */
export const LEAN_NODE_FLAGS = ['--max-semi-space-size=1'];

/**
 * Node's on-disk compile cache (NODE_COMPILE_CACHE) for every Node part, unless the caller's
 * environment names another folder: every start after the first reads the parts' compiled code
 * (and the TypeScript already stripped) instead of parsing and compiling it again — less CPU at
 * start and ≈ 20 MiB less per process, since code compiled from the cache is not kept as source
 * strings. Node keys entries by its version and each file's content, so a stale entry is never used.
 */
export const COMPILE_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'node-compile-cache');

export function planParts(plan: SystemPlan): PartSpec[] {
  const host = plan.host ?? '127.0.0.1';
  const { ports, secrets } = plan;
  // The idp reads its clients' secrets; the database password is none of its business.
  const { EMBEDDED_POSTGRES_PASSWORD: _database, ...idpSecrets } = secrets;
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
  const metrics = (part: keyof Ports): Record<string, string> =>
    plan.metricsPorts ? { METRICS_PORT: String(plan.metricsPorts[part]) } : {};
  const metricsUrl = (part: keyof Ports) =>
    plan.metricsPorts ? { metricsUrl: `${at(plan.metricsPorts[part])}/metrics` } : {};
  /** One process of a service; replicas (`gateway-1`…) have no metrics port (one per part is planned). */
  const instance = (
    name: DatabaseService,
    part: keyof Ports,
    replica: string,
    port: number,
    env: Record<string, string>,
  ): PartSpec => ({
    name: replica,
    group: name,
    args: [...TELEMETRY, `services/${name}/src/server.ts`],
    env: {
      ...common,
      OTEL_SERVICE_NAME: name,
      PORT: String(port),
      ...(replica === name ? metrics(part) : {}),
      DATABASE_URL: plan.databaseUrls[name],
      ...env,
      ...plan.extraEnv?.[name],
      ...(replica !== name ? plan.extraEnv?.[replica] : {}),
    },
    url: at(port),
    readyUrl: `${at(port)}/health/ready`,
    ...(replica === name ? metricsUrl(part) : {}),
  });
  /** One part, or one per replica port (`gateway-1`, `gateway-2`…) when the plan scales it out. */
  const service = (name: DatabaseService, part: keyof Ports, env: Record<string, string>): PartSpec[] => {
    const replicaPorts = (REPLICATED_PARTS as readonly string[]).includes(name)
      ? plan.replicas?.[name as ReplicatedPart]
      : undefined;
    if (!replicaPorts?.length) return [instance(name, part, name, ports[part], env)];
    return replicaPorts.map((replicaPort, index) =>
      instance(name, part, `${name}-${index + 1}`, replicaPort, env),
    );
  };

  const identity: PartSpec[] = plan.keycloak
    ? plan.keycloak.part
      ? [plan.keycloak.part]
      : []
    : [
        {
          name: 'idp',
          args: [...LEAN_NODE_FLAGS, ...TELEMETRY, 'packages/idp/src/server.ts'],
          env: {
            NODE_ENV: common.NODE_ENV,
            LOG_LEVEL: common.LOG_LEVEL,
            TRACES_DIR: common.TRACES_DIR,
            OTEL_SERVICE_NAME: 'idp',
            ...metrics('idp'),
            IDP_HOST: host,
            IDP_PORT: String(ports.idp),
            IDP_PUBLIC_URL: publicUrl,
            IDP_RELATIVE_PATH: '/auth',
            IDP_DATA_DIR: join(plan.dataRoot, 'idp'),
            GATEWAY_PUBLIC_URL: publicUrl,
            ...idpSecrets,
            ...plan.extraEnv?.idp,
          },
          url: idpUrl,
          readyUrl: `${idpUrl}/auth/realms/techstore/.well-known/openid-configuration`,
          ...metricsUrl('idp'),
        },
      ];
  return [
    ...identity,
    ...service('inventory', 'inventory', { KEYCLOAK_CLIENT_ID: 'inventory-service' }),
    ...service('payment', 'payment', { KEYCLOAK_CLIENT_ID: 'payment-service' }),
    ...service('notification', 'notification', { KEYCLOAK_CLIENT_ID: 'notification-service' }),
    ...service('shop-api', 'shopApi', {
      KEYCLOAK_CLIENT_ID: 'shop-api',
      KEYCLOAK_CLIENT_SECRET: secrets.SHOP_API_CLIENT_SECRET,
      INVENTORY_URL: at(ports.inventory),
      PAYMENT_URL: at(ports.payment),
      NOTIFICATION_URL: at(ports.notification),
    }),
    ...service('gateway', 'gateway', {
      KEYCLOAK_CLIENT_ID: 'gateway',
      // Behind the balancer the client address is the entry it appends to X-Forwarded-For.
      ...(plan.replicas?.gateway?.length ? { TRUST_PROXY: 'true' } : {}),
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

/**
 * The parts of a local copy (`npm start` with the same MOCKMART_PORT_OFFSET), for the commands that
 * only need their URLs (`npm run health`, `npm run metrics`): the throwaway secrets and empty
 * database URLs never leave the calling process.
 */
export function planLocalParts(env: Readonly<Record<string, string | undefined>>, dataRoot: string) {
  const { ports, metricsPorts } = localPorts(env);
  const databaseUrls = Object.fromEntries(DATABASE_SERVICES.map((service) => [service, ''])) as Record<
    DatabaseService,
    string
  >;
  return planParts({ ports, metricsPorts, secrets: generateSecrets(), dataRoot, databaseUrls });
}
