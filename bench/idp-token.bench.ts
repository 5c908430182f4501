/**
 * Embedded idp token endpoint benchmark (bounded; prints its figures).
 *
 *   node bench/idp-token.bench.ts [--seconds 5] [--concurrency 32]
 *
 * - client-credentials grants per second over real HTTP (keep-alive), target ≥ 1200/s
 *   (10 × Keycloak's sizing-guide 120/s per vCPU); the idp runs in this process, so the figure is
 *   for one Node event loop (RSA signing uses WebCrypto, which may use libuv worker threads);
 * - password grant latency p50/p99 with the production scrypt cost (N=2^17, r=8, p=1);
 * - authorization-code exchange latency p50/p99 (login done beforehand; measures the token call).
 */
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startIdp } from '@mockmart/idp';
import { basic, browserLogin, DEV_USERS_FILE, oidcUrl, REALM_FILE, SECRETS } from '@mockmart/idp/testing';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '32' } },
});
const seconds = Math.min(60, Number(values.seconds));
const concurrency = Math.min(256, Number(values.concurrency));

const idp = await startIdp({
  port: 0,
  publicUrl: 'http://localhost:8080',
  relativePath: '/auth',
  realmFiles: [REALM_FILE, DEV_USERS_FILE],
  env: { ...SECRETS, GATEWAY_PUBLIC_URL: 'http://localhost:8080' },
  logger: pino({ level: 'silent' }),
});
const tokenUrl = oidcUrl(idp, 'token');
const shopAuth = basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET);

async function post(body: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// 1. client credentials throughput
for (let i = 0; i < 200; i++) await post('grant_type=client_credentials&scope=inventory-api', shopAuth); // warm-up
let count = 0;
const deadline = performance.now() + seconds * 1000;
const startedAt = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      await post('grant_type=client_credentials&scope=inventory-api', shopAuth);
      count++;
    }
  }),
);
const ccPerSecond = count / ((performance.now() - startedAt) / 1000);

// 2. password grant latency (sequential; scrypt dominates)
const pw: number[] = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  await post('grant_type=password&client_id=techstore-cli&username=mario&password=mario123');
  pw.push(performance.now() - t);
}
pw.sort((a, b) => a - b);

// 3. code exchange latency (one SSO login, then fresh codes through the SSO cookie)
const redirectUri = 'http://localhost:8080/bff/callback';
let cookies = '';
const ce: number[] = [];
for (let i = 0; i < 100; i++) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(oidcUrl(idp, 'auth'));
  url.search = new URLSearchParams({
    client_id: 'gateway',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const login = await browserLogin(url.toString(), 'mario', 'mario123', cookies);
  cookies = login.cookies;
  const code = new URL(login.location).searchParams.get('code') as string;
  const t = performance.now();
  await post(
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }).toString(),
    basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
  );
  ce.push(performance.now() - t);
}
ce.sort((a, b) => a - b);
await idp.close();

const fmt = (n: number) => n.toFixed(1);
console.log(
  `idp token endpoint (node ${process.version}, ${seconds}s, concurrency ${concurrency}, ${availableParallelism()} CPUs, load average ${loadavg()[0]?.toFixed(1)}; client and idp share this process)`,
);
console.log(
  `  client_credentials: ${Math.round(ccPerSecond)} grants/s (${count} grants; target >= 1200/s: ${ccPerSecond >= 1200 ? 'met' : 'NOT met'})`,
);
console.log(
  `  password grant (scrypt N=2^17,r=8,p=1): p50 ${fmt(percentile(pw, 50))} ms, p99 ${fmt(percentile(pw, 99))} ms (n=${pw.length})`,
);
console.log(
  `  authorization_code exchange: p50 ${fmt(percentile(ce, 50))} ms, p99 ${fmt(percentile(ce, 99))} ms (n=${ce.length})`,
);
