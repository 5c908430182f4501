/**
 * The embedded idp and Keycloak 26.7 side by side, on this machine and the same realm
 * (deploy/keycloak with the development users): start to ready (cold and warm), resident memory
 * at rest and under load, client-credentials grants/s at 10 concurrent clients, p50/p99 of code
 * exchange, refresh and password grant, JWKS and discovery requests/s. Printed as one table with
 * the ratio idp/Keycloak. Needs a JDK, the built Keycloak and the local PostgreSQL.
 *
 * Password hashing differs by design and is stated: the idp uses scrypt N=2^17 (its production
 * default), Keycloak its default for the realm (argon2id since Keycloak 24).
 *
 *   node bench/idp-vs-keycloak.bench.ts [--seconds 5] [--samples 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SECRETS } from '@mockmart/idp/testing';
import { keycloakAdmin } from '../scripts/lib/keycloak/admin.ts';
import { LOCAL_POSTGRES } from '../scripts/lib/keycloak/database.ts';
import { ensureKeycloak } from '../scripts/lib/keycloak/install.ts';
import { importRealm } from '../scripts/lib/keycloak/realm-import.ts';
import { startKeycloak } from '../scripts/lib/keycloak/run.ts';
import { keycloakTestDatabase } from '../scripts/lib/keycloak/test-database.ts';
import type { Secrets } from '@mockmart/devstack';
import { freePorts } from '../scripts/lib/free-ports.ts';
import { exchangeCode, loginForCode, postForm } from '../tests/conformance/support/http.ts';
import type { Side, Sides } from '../tests/conformance/support/sides.ts';
import { cpuSeconds, jvmOf, rssMiB } from './process-stats.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, samples: { type: 'string', default: '20' } },
});
const loadMs = Number(values.seconds) * 1000;
const samples = Number(values.samples);
const root = fileURLToPath(new URL('../', import.meta.url));
const GATEWAY = 'http://localhost:1';
const REALM = 'techstore';

interface Measured {
  coldMs: number;
  warmMs: number;
  rssRest: number;
  rssLoad: number;
  ccPerSec: number;
  code: number[];
  refresh: number[];
  password: number[];
  jwksPerSec: number;
  discoveryPerSec: number;
}

/** The side as the conformance helpers address it (the realm is `techstore` on both). */
function sideAt(name: Side['name'], origin: string): Side {
  const realmUrl = `${origin}/auth/realms/${REALM}`;
  return {
    name,
    gateway: GATEWAY,
    origin,
    base: `${origin}/auth`,
    realmUrl,
    oidc: (path) => `${realmUrl}/protocol/openid-connect/${path}`,
  };
}

const sides = { secrets: SECRETS as unknown as Secrets, realm: REALM } as Sides;

/** As many requests as `workers` loops complete in `ms`, per second; samples RSS meanwhile. */
async function throughput(request: () => Promise<void>, pid: number, ms = loadMs, workers = 10) {
  let done = 0;
  let peakRss = rssMiB(pid);
  const end = performance.now() + ms;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 250);
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        await request();
        done++;
      }
    }),
  );
  clearInterval(sampler);
  return { perSec: (done * 1000) / ms, peakRss };
}

async function timed(n: number, one: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await one();
    times.push(performance.now() - started);
  }
  return times;
}

const ok = async (response: Response | Promise<Response>) => {
  const r = await response;
  if (!r.ok) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
  await r.body?.cancel();
};

async function load(side: Side, pid: number): Promise<Omit<Measured, 'coldMs' | 'warmMs' | 'rssRest'>> {
  const cc = () =>
    postForm(side.oidc('token'), {
      grant_type: 'client_credentials',
      client_id: 'shop-api',
      client_secret: SECRETS.SHOP_API_CLIENT_SECRET,
      scope: 'inventory-api',
    }).then((a) => {
      if (a.status !== 200) throw new Error(`client credentials: HTTP ${a.status}`);
    });
  await cc(); // warm the path once
  const grants = await throughput(cc, pid);
  const code = await timedExchange(side, samples);
  const login = await loginForCode(side);
  let refreshToken = (
    (await exchangeCode(sides, side, login.code, login.verifier)).body as { refresh_token: string }
  ).refresh_token;
  const refresh = await timed(samples * 2, async () => {
    const answer = await postForm(
      side.oidc('token'),
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      {
        authorization: `Basic ${Buffer.from(`gateway:${SECRETS.GATEWAY_CLIENT_SECRET}`).toString('base64')}`,
      },
    );
    refreshToken = (answer.body as { refresh_token: string }).refresh_token;
  });
  const password = await timed(samples, async () => {
    const answer = await postForm(side.oidc('token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'mario',
      password: 'mario123',
    });
    if (answer.status !== 200) throw new Error(`password grant: HTTP ${answer.status}`);
  });
  const jwks = await throughput(() => ok(fetch(side.oidc('certs'))), pid, loadMs / 2);
  const discovery = await throughput(
    () => ok(fetch(`${side.realmUrl}/.well-known/openid-configuration`)),
    pid,
    loadMs / 2,
  );
  return {
    rssLoad: Math.max(grants.peakRss, jwks.peakRss, discovery.peakRss),
    ccPerSec: grants.perSec,
    code,
    refresh,
    password,
    jwksPerSec: jwks.perSec,
    discoveryPerSec: discovery.perSec,
  };
}

/** Code exchange alone: each login is driven first, only the token request is timed. */
async function timedExchange(side: Side, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const login = await loginForCode(side);
    const started = performance.now();
    const answer = await exchangeCode(sides, side, login.code, login.verifier);
    times.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`code exchange: HTTP ${answer.status}`);
  }
  return times;
}

async function startStandaloneIdp(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'packages/idp/src/server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...SECRETS,
      GATEWAY_PUBLIC_URL: GATEWAY,
      NODE_ENV: 'development',
      IDP_PORT: '0',
      IDP_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => (output += chunk));
  const deadline = started + 30_000;
  for (;;) {
    if (performance.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`idp not ready:\n${output}`);
    }
    const url = /"url":"([^"]+)"/.exec(output)?.[1];
    const response = url
      ? await fetch(`${url}/auth/realms/${REALM}/.well-known/openid-configuration`).catch(() => undefined)
      : undefined;
    if (response?.status === 200) {
      await response.body?.cancel();
      return { child, url: url!, ms: performance.now() - started };
    }
    await response?.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function measureIdp(): Promise<Measured> {
  const dataDir = await mkdtemp(join(tmpdir(), 'idp-vs-keycloak-'));
  try {
    const cold = await startStandaloneIdp(dataDir); // no keys yet: generates and stores them
    cold.child.kill('SIGKILL');
    const warm = await startStandaloneIdp(dataDir);
    try {
      const pid = warm.child.pid!;
      await new Promise((resolve) => setTimeout(resolve, 3000)); // imported passwords hash after listening
      const rssRest = rssMiB(pid);
      const side = sideAt('idp', new URL(warm.url).origin);
      return { coldMs: cold.ms, warmMs: warm.ms, rssRest, ...(await load(side, pid)) };
    } finally {
      warm.child.kill('SIGKILL');
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measureKeycloak(): Promise<Measured> {
  const install = await ensureKeycloak({ log: console.log });
  const database = await keycloakTestDatabase(LOCAL_POSTGRES, install, console.log);
  if (!database) throw new Error(`PostgreSQL at ${LOCAL_POSTGRES} is not reachable`);
  const start = async (): Promise<{ node: Awaited<ReturnType<typeof startKeycloak>>; ms: number }> => {
    const [httpPort, managementPort] = await freePorts(2);
    const started = performance.now();
    const node = await startKeycloak({
      install,
      httpPort: httpPort!,
      managementPort: managementPort!,
      databaseUrl: database.url,
      admin: database.admin,
    });
    return { node, ms: performance.now() - started };
  };
  try {
    const cold = await start(); // a fresh database: Keycloak's first start on it
    const admin = keycloakAdmin(cold.node.spec.url, database.admin);
    await importRealm(admin, {
      realm: REALM,
      secrets: SECRETS as unknown as Secrets,
      gatewayPublicUrl: GATEWAY,
      devUsers: true,
    });
    await cold.node.stop();
    const warm = await start(); // the same database again, realm in it
    try {
      const pid = jvmOf(warm.node.child.pid!);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const rssRest = rssMiB(pid);
      const side = sideAt('keycloak', warm.node.spec.url);
      const measured = await load(side, pid);
      console.log(`Keycloak JVM CPU over the run: ${cpuSeconds(pid).toFixed(1)} s`);
      return { coldMs: cold.ms, warmMs: warm.ms, rssRest, ...measured };
    } finally {
      await warm.node.stop();
    }
  } finally {
    await database.drop();
  }
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

console.log(
  `idp vs Keycloak, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, ${process.version}`,
);
const idp = await measureIdp();
const keycloak = await measureKeycloak();

const rows: [string, (m: Measured) => number, string][] = [
  [
    'start to ready, cold (s)',
    (m) => m.coldMs / 1000,
    'idp: keys generated; Keycloak: first start on a fresh database',
  ],
  [
    'start to ready, warm (s)',
    (m) => m.warmMs / 1000,
    'idp: keys on disk; Keycloak: restart, realm in the database',
  ],
  ['RSS at rest (MiB)', (m) => m.rssRest, 'Keycloak: the JVM'],
  ['RSS under load, peak (MiB)', (m) => m.rssLoad, ''],
  ['client credentials grants/s (10 clients)', (m) => m.ccPerSec, ''],
  ['code exchange p50 (ms)', (m) => percentile(m.code, 50), ''],
  ['code exchange p99 (ms)', (m) => percentile(m.code, 99), ''],
  ['refresh p50 (ms)', (m) => percentile(m.refresh, 50), ''],
  ['refresh p99 (ms)', (m) => percentile(m.refresh, 99), ''],
  [
    'password grant p50 (ms)',
    (m) => percentile(m.password, 50),
    'idp scrypt N=2^17; Keycloak argon2id (default)',
  ],
  ['password grant p99 (ms)', (m) => percentile(m.password, 99), ''],
  ['JWKS requests/s (10 clients)', (m) => m.jwksPerSec, ''],
  ['discovery requests/s (10 clients)', (m) => m.discoveryPerSec, ''],
];
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2));
console.log(`\n| measure | idp | Keycloak 26.7 | idp / Keycloak | note |\n|---|---|---|---|---|`);
for (const [name, of, note] of rows)
  console.log(
    `| ${name} | ${fmt(of(idp))} | ${fmt(of(keycloak))} | ${(of(idp) / of(keycloak)).toFixed(2)} | ${note} |`,
  );
console.log(
  `(samples: ${samples} code exchanges, ${samples * 2} refreshes, ${samples} password grants; load phases ${loadMs / 1000} s)`,
);
