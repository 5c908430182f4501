/**
 * `node bench/read-path.bench.ts`: MockMart through its gateway against a shop API in the original's
 * design (bench/reference-server.ts), in one run, sides interleaved, over loopback with autocannon:
 *
 *   catalog   GET /api/products, anonymous         target: ≥ 3× the reference's rps, p99 ≤ ⅓ of its
 *   profile   GET /api/user/profile, Bearer        target: ≥ 2× its rps
 *   orders    GET /api/orders (24 orders), Bearer  target: ≥ 2× its rps
 *   orders-many  the same, one user per connection (each with 24 orders), requests in turn
 *
 * Both sides read the order history from PostgreSQL, each in its own design: the reference from
 * the original's two tables with its `json_agg` query (reference-database.ts), MockMart from its
 * own. Both hold the same 24 orders of the signed-in user.
 *
 * MockMart runs as real processes (idp, gateway, shop-api, inventory, payment, notification) on
 * throwaway databases of the tests' PostgreSQL. Bearer requests pass the gateway untouched (the
 * route scripts and API clients take). Also printed: CPU per request of each process, and RSS
 * (and PSS, which shares out pages the processes have in common) per process at rest and after
 * the load. PostgreSQL's CPU per request is printed for both sides: that of the backends serving
 * each side's databases.
 *
 * The load comes from Debian's wrk when it is installed (`apt-get install wrk`; the issue's own
 * figures were taken with `wrk -t2 -c50`), else from autocannon in this process; `--client` picks
 * one. wrk costs the two shared cores less per request than autocannon, so more of them is left to
 * the servers and the ratios are higher with it.
 *
 *   node bench/read-path.bench.ts [--seconds 5] [--rounds 2] [--connections 50] [--client wrk|autocannon]
 *                                 [--only catalog,profile,orders,orders-many]
 *                                 [--cpu-prof <folder for gateway, shop-api and inventory's V8 CPU profiles>]
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { createThrowawayDatabase, testPostgresUrl } from '@mockmart/service-kit/testing';
import { startTestSystem } from '../tests/support/system.ts';
import { ADDRESS } from '@mockmart/shop-api/testing';
import { createReferenceOrders, type SeededOrders } from './reference-database.ts';
import {
  makeShoppers,
  realmFilesWith,
  tokensFor,
  writeShoppersRealm,
} from '../tests/system/support/shoppers.ts';
import { mapLimit } from '../tests/system/support/limit.ts';
import { memoryOf } from '../scripts/lib/memory.ts';
import { cpuMsOf } from '../scripts/lib/cpu.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    client: { type: 'string', default: onPath('wrk') ? 'wrk' : 'autocannon' },
    only: { type: 'string', default: 'catalog,profile,orders,orders-many' },
    'cpu-prof': { type: 'string' },
  },
});
if (!['autocannon', 'wrk'].includes(values.client!)) throw new Error('--client is autocannon or wrk');
const seconds = Math.min(Math.max(Number(values.seconds), 2), 20);
const rounds = Math.min(Math.max(Number(values.rounds), 1), 5);
const connections = Math.min(Math.max(Number(values.connections), 1), 200);

const profiled: Record<string, string> = values['cpu-prof']
  ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(values['cpu-prof'])}` }
  : {};
const scenarioNames = values.only!.split(',');
// orders-many: one shopper per connection, each with order history of their own.
const readers = scenarioNames.includes('orders-many') ? makeShoppers(connections, 'reader') : [];
const scratch = await mkdtemp(join(tmpdir(), 'mockmart-read-path-'));
const readersRealm: Record<string, string> =
  readers.length > 0 ? { IDP_REALM_FILES: realmFilesWith(await writeShoppersRealm(scratch, readers)) } : {};
const system = await startTestSystem({
  only: ['idp', 'inventory', 'payment', 'notification', 'shop-api', 'gateway'],
  extraEnv: { idp: readersRealm, gateway: profiled, 'shop-api': profiled, inventory: profiled },
});
const gatewayPort = new URL(system.gatewayUrl).port;
const mockmart = `http://127.0.0.1:${gatewayPort}`;
const issuer = `${system.gatewayUrl}/auth/realms/techstore`;
const token = await system.userToken('mario', 'mario123');
const readerTokens = [...(await tokensFor(system, readers)).values()];
const referenceDatabase = await createThrowawayDatabase();
if (!referenceDatabase) {
  await system.stop();
  throw new Error("the tests' PostgreSQL does not answer");
}
/** The same 24 orders for the reference's user as MockMart's side holds. */
const seedOf = (bearer: string): SeededOrders => {
  const claims = decodeJwt(bearer);
  return {
    userId: claims.sub!,
    email: String(claims.email),
    name: String(claims.name),
    shippingAddress: { ...ADDRESS },
    count: 24,
  };
};
await createReferenceOrders(referenceDatabase.url, [token, ...readerTokens].map(seedOf));
const reference = spawn(
  process.execPath,
  [
    fileURLToPath(new URL('./reference-server.ts', import.meta.url)),
    `${system.urls.idp}/auth/realms/techstore/protocol/openid-connect/certs`,
    issuer,
    referenceDatabase.url,
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
const referenceUrl = await new Promise<string>((resolve, reject) => {
  reference.stderr!.pipe(process.stderr);
  reference.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    const port = /PORT (\d+)/.exec(chunk)?.[1];
    if (port) resolve(`http://127.0.0.1:${port}`);
  });
  reference.once('exit', () => reject(new Error('the reference server exited')));
}).catch(async (error: unknown) => {
  await system.stop();
  await referenceDatabase.drop();
  throw error;
});

// Reads which backends serve whose database, for PostgreSQL's CPU per request (backendCpu).
const statsClient = new pg.Client({ connectionString: testPostgresUrl() });
statsClient.on('error', () => {}); // a lost connection fails the next figure, not the process
const referenceDatabases = [referenceDatabase.url];
const mockmartDatabases = [...system.system.parts.values()]
  .map((part) => part.spec.env.DATABASE_URL)
  .filter((url): url is string => Boolean(url));

try {
  await statsClient.connect();
  const auth = { authorization: `Bearer ${token}` };
  await placeOrders(24, auth);
  if (readerTokens.length > 0) {
    await raiseStock(2, 1_000_000);
    await mapLimit(readerTokens, 4, (reader) => placeOrders(24, { authorization: `Bearer ${reader}` }));
  }

  const pids = new Map<string, number>([['reference', reference.pid!]]);
  for (const [name, part] of system.system.parts) pids.set(name, part.child.pid!);
  const atRest = new Map([...pids].map(([name, pid]) => [name, memoryOf(pid)]));

  const scenarios = [
    { name: 'catalog', path: '/api/products', headers: {} },
    { name: 'profile', path: '/api/user/profile', headers: auth },
    { name: 'orders', path: '/api/orders', headers: auth },
    { name: 'orders-many', path: '/api/orders', headers: {}, tokens: readerTokens },
  ].filter((scenario) => scenarioNames.includes(scenario.name));
  console.log(
    `\nread path: MockMart via the gateway vs the original's design; ${connections} connections, ` +
      `${rounds} × ${seconds} s per side, interleaved, load from ${values.client} (Node ${process.version})\n`,
  );
  console.log(
    `${'scenario'.padEnd(12)}${'side'.padEnd(11)}${'rps'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}` +
      `   CPU ms per request by process`,
  );
  for (const scenario of scenarios) {
    const results: Record<'reference' | 'mockmart', Result[]> = { reference: [], mockmart: [] };
    for (const side of ['reference', 'mockmart'] as const) await load(side, scenario, 1); // warm-up
    for (let round = 0; round < rounds; round++)
      for (const side of ['reference', 'mockmart'] as const)
        results[side].push(await load(side, scenario, seconds));
    const ref = best(results.reference);
    const ours = best(results.mockmart);
    for (const [side, result] of [
      ['reference', ref],
      ['mockmart', ours],
    ] as const)
      console.log(
        `${scenario.name.padEnd(12)}${side.padEnd(11)}${result.rps.toFixed(0).padStart(8)}${String(result.p50).padStart(8)}` +
          `${String(result.p99).padStart(8)}   ${result.cpu}`,
      );
    console.log(
      `${''.padEnd(12)}${'ratio'.padEnd(11)}${`${(ours.rps / ref.rps).toFixed(2)}×`.padStart(8)}${''.padStart(8)}` +
        `${`${(ours.p99 / Math.max(ref.p99, 1)).toFixed(2)}×`.padStart(8)}\n`,
    );
  }

  const afterLoad = new Map([...pids].map(([name, pid]) => [name, memoryOf(pid)]));
  console.log('memory (MiB)      RSS at rest  after load   PSS at rest  after load');
  const total = { rss: [0, 0], pss: [0, 0] };
  for (const name of pids.keys()) {
    const rest = atRest.get(name)!;
    const loaded = afterLoad.get(name)!;
    if (name !== 'reference') {
      total.rss[0]! += rest.rss;
      total.rss[1]! += loaded.rss;
      total.pss[0]! += rest.pss;
      total.pss[1]! += loaded.pss;
    }
    console.log(
      `${name.padEnd(16)}${rest.rss.toFixed(0).padStart(12)}${loaded.rss.toFixed(0).padStart(12)}` +
        `${rest.pss.toFixed(0).padStart(14)}${loaded.pss.toFixed(0).padStart(12)}`,
    );
  }
  console.log(
    `${'MockMart (node)'.padEnd(16)}${total.rss[0]!.toFixed(0).padStart(12)}${total.rss[1]!.toFixed(0).padStart(12)}` +
      `${total.pss[0]!.toFixed(0).padStart(14)}${total.pss[1]!.toFixed(0).padStart(12)}`,
  );
  console.log(
    "(PostgreSQL here is the tests' shared server, not counted; see bench/README.md for npm start's.)",
  );

  interface Result {
    rps: number;
    p50: number;
    p99: number;
    cpu: string;
  }

  async function load(
    side: 'reference' | 'mockmart',
    scenario: { path: string; headers: Record<string, string>; tokens?: string[] },
    duration: number,
  ): Promise<Result> {
    const watched = side === 'reference' ? ['reference'] : ['gateway', 'shop-api', 'inventory'];
    const databases = side === 'reference' ? referenceDatabases : mockmartDatabases;
    const backends = await backendCpu(databases);
    const cpuOf = (name: string) => cpuMsOf(pids.get(name)!);
    const before = watched.map(cpuOf);
    const url = `${side === 'reference' ? referenceUrl : mockmart}${scenario.path}`;
    const spec = { url, headers: scenario.headers, duration, tokens: scenario.tokens };
    const result = values.client === 'wrk' ? await wrk(spec) : await cannon(spec);
    const perRequest = (ms: number) => (ms / Math.max(1, result.requests)).toFixed(2);
    const cpu = [
      ...watched.map((name, index) => `${name} ${perRequest(cpuOf(name) - before[index]!)}`),
      `postgres ${perRequest(await backends.used())}`,
    ].join(', ');
    if (result.failed > 0) throw new Error(`${side} ${scenario.path}: ${result.failed} answers were not 2xx`);
    return { rps: result.rps, p50: result.p50, p99: result.p99, cpu };
  }
} finally {
  reference.kill();
  await statsClient.end().catch(() => {});
  await rm(scratch, { recursive: true, force: true });
  await system.stop();
  await referenceDatabase.drop();
}

interface Load {
  requests: number;
  failed: number;
  rps: number;
  p50: number;
  p99: number;
}

/** One load run: `tokens`, when given, are sent as Bearer tokens in turn, one per request. */
interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  duration: number;
  tokens?: readonly string[] | undefined;
}

async function cannon({ url, headers, duration, tokens = [] }: LoadSpec): Promise<Load> {
  let next = 0;
  const inTurn = (request: autocannon.Request): autocannon.Request => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
  });
  const result = await autocannon({
    url,
    headers,
    connections,
    duration,
    ...(tokens.length > 0 ? { requests: [{ setupRequest: inTurn }] } : {}),
  });
  return {
    requests: result.requests.total,
    failed: result.non2xx + result.errors,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** One wrk run (two threads, as the issue's figures were taken), its summary parsed. */
async function wrk({ url, headers, duration, tokens = [] }: LoadSpec): Promise<Load> {
  const args = ['-t2', `-c${connections}`, `-d${duration}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  if (tokens.length > 0) args.push('-s', await tokensInTurnScript(tokens));
  const { stdout } = await promisify(execFile)('wrk', [...args, url]);
  const number = (pattern: RegExp) => {
    const match = pattern.exec(stdout);
    if (!match) throw new Error(`wrk printed no ${pattern.source}:\n${stdout}`);
    return match;
  };
  const ms = (match: RegExpExecArray) =>
    Number(match[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[match[2]!]!;
  const failures = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? '0';
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requests: Number(number(/(\d+) requests in/)[1]),
    failed: Number(failures) + (errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
    rps: Number(number(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50: ms(number(/50%\s+([\d.]+)(us|ms|s)/)),
    p99: ms(number(/99%\s+([\d.]+)(us|ms|s)/)),
  };
}

/** A wrk script whose requests take the Bearer tokens in turn (each thread from its own start). */
async function tokensInTurnScript(tokens: readonly string[]): Promise<string> {
  const file = join(scratch, 'tokens-in-turn.lua');
  await writeFile(
    file,
    [
      `local tokens = { ${tokens.map((t) => JSON.stringify(t)).join(', ')} }`,
      'local next = 0',
      'request = function()',
      '  next = next + 1',
      '  return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. tokens[(next % #tokens) + 1] })',
      'end',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

/** inventory's stock of a product set through its admin API (the readers' orders need units). */
async function raiseStock(productId: number, onHand: number) {
  const stockToken = await system.serviceToken(
    'shop-api',
    system.secrets.SHOP_API_CLIENT_SECRET,
    'inventory-admin',
  );
  const res = await fetch(`${system.urls.inventory}/api/inventory/stock/${productId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${stockToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ onHand }),
  });
  if (!res.ok) throw new Error(`raising stock of ${productId}: HTTP ${res.status} ${await res.text()}`);
}

/** The round with the best throughput: a busy machine only ever makes a side slower. */
function best<T extends { rps: number }>(results: T[]): T {
  return results.reduce((a, b) => (b.rps > a.rps ? b : a));
}

async function placeOrders(count: number, auth: Record<string, string>) {
  const shop = system.urls.shopApi; // straight to shop-api: the gateway rate-limits checkouts
  for (let order = 0; order < count; order++) {
    const headers = { ...auth, 'content-type': 'application/json' };
    const added = await fetch(`${shop}/api/cart`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ productId: 2, quantity: 2 }),
    });
    if (!added.ok) throw new Error(`cart: ${added.status} ${await added.text()}`);
    const placed = await fetch(`${shop}/api/checkout`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `read-path-bench-${order}` },
      body: JSON.stringify({
        shippingAddress: ADDRESS,
        paymentMethod: 'credit-card',
      }),
    });
    if (placed.status !== 201) throw new Error(`checkout: ${placed.status} ${await placed.text()}`);
  }
}

/**
 * The CPU that PostgreSQL's backends serving these databases use from now until `used()` is asked:
 * the backends are the pools' connections, found by database in pg_stat_activity (other work on
 * the same server is not counted).
 */
async function backendCpu(databaseUrls: readonly string[]): Promise<{ used(): Promise<number> }> {
  const names = databaseUrls.map((url) => new URL(url).pathname.slice(1));
  const backends = async () => {
    const { rows } = await statsClient.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)',
      [names],
    );
    const cpu = new Map<number, number>();
    // A pid whose process is gone, or is not a PostgreSQL backend here (a server in another pid
    // namespace), is left out rather than counted as zero.
    for (const { pid } of rows) if (isLocalPostgres(pid)) cpu.set(pid, cpuMsOf(pid));
    return cpu;
  };
  const before = await backends();
  return {
    async used() {
      let ms = 0;
      // A backend that connected meanwhile counts from zero; one that ended meanwhile is lost.
      for (const [pid, now] of await backends()) ms += now - (before.get(pid) ?? 0);
      return ms;
    },
  };
}

function isLocalPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}
