/**
 * Client-credentials grants per second of the standalone idp on ONE core (target ≥ 1200/s, 10 ×
 * Keycloak's sizing guide figure of 120 grants/s per vCPU).
 *
 * The idp runs as its own process (`node packages/idp/src/server.ts`, default LOG_LEVEL=info, logs
 * to /dev/null), pinned to CPU 0 with `taskset -c 0` when available — its WebCrypto RS256 signing
 * threads included; the load comes from this process over keep-alive HTTP/1.1 connections.
 * Printed per round: grants/s (wall) and the idp's own CPU per grant from /proc (what one core
 * can sustain = 1e6 / µs per grant, which other processes on a shared machine do not distort).
 *
 *   node bench/idp-cc.bench.ts [--seconds 4] [--rounds 3] [--concurrency 32]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SECRETS } from '@mockmart/idp/testing';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
  },
});
const seconds = Math.min(30, Number(values.seconds));
const rounds = Math.min(10, Number(values.rounds));
const concurrency = Math.min(256, Number(values.concurrency));
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = await mkdtemp(join(tmpdir(), 'idp-cc-bench-'));
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

const command = pinned ? 'taskset' : process.execPath;
const args = [...(pinned ? ['-c', '0', process.execPath] : []), join(root, 'packages/idp/src/server.ts')];
const child = spawn(command, args, {
  cwd: root,
  env: {
    ...process.env,
    ...SECRETS,
    NODE_ENV: 'development',
    IDP_PORT: '0',
    IDP_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});

/** utime + stime of the idp process (all its threads), in µs. */
function idpCpuUs(): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}

try {
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('idp did not start and hash its imported passwords within 60 s')),
      60_000,
    );
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      // Measure once the start-up's background password hashing (scrypt on the same core) is over.
      const match = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
      if (match?.[1] && buffered.includes('imported passwords hashed')) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume(); // keep draining the idp's log: a full pipe would stall it
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`idp exited with ${code}`)));
  });
  const target = new URL(`${url}/auth/realms/techstore/protocol/openid-connect/token`);
  const body = 'grant_type=client_credentials&scope=inventory-api';
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(Buffer.byteLength(body)),
    authorization: `Basic ${Buffer.from(`shop-api:${SECRETS.SHOP_API_CLIENT_SECRET}`).toString('base64')}`,
  };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const grant = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(target, { method: 'POST', headers, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200 || !text.includes('"access_token"'))
            reject(new Error(`token endpoint answered ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve();
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const drive = async (ms: number) => {
    let count = 0;
    const deadline = performance.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          await grant();
          count++;
        }
      }),
    );
    return count;
  };

  await drive(1500); // warm-up: JIT, connections, key caches
  const results: Array<{ perSecond: number; cpuUsPerGrant: number }> = [];
  for (let round = 0; round < rounds; round++) {
    const cpu = idpCpuUs();
    const started = performance.now();
    const count = await drive(seconds * 1000);
    const elapsed = (performance.now() - started) / 1000;
    results.push({ perSecond: count / elapsed, cpuUsPerGrant: (idpCpuUs() - cpu) / count });
  }
  agent.destroy();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const perSecond = median(results.map((r) => r.perSecond));
  const cpuUs = median(results.map((r) => r.cpuUsPerGrant));
  console.log(
    `idp client_credentials over keep-alive HTTP, idp in its own process ${pinned ? 'pinned to CPU 0 (taskset)' : 'NOT pinned (no taskset)'}, ` +
      `LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}, concurrency ${concurrency}, ${rounds} × ${seconds}s (Node ${process.version}, ${availableParallelism()} CPUs, load avg ${loadavg()[0]?.toFixed(1)})`,
  );
  for (const [i, r] of results.entries())
    console.log(
      `  round ${i + 1}: ${Math.round(r.perSecond)} grants/s, idp CPU ${Math.round(r.cpuUsPerGrant)} µs/grant`,
    );
  console.log(
    `  median: ${Math.round(perSecond)} grants/s wall; ${Math.round(cpuUs)} µs idp CPU per grant = ${Math.round(1e6 / cpuUs)} grants per CPU-second ` +
      `(target ≥ 1200: wall ${perSecond >= 1200 ? 'met' : 'NOT met'}, CPU ${1e6 / cpuUs >= 1200 ? 'met' : 'NOT met'})`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => {
    if (child.exitCode !== null) resolve(undefined);
    else child.once('exit', resolve);
  });
  await rm(dataDir, { recursive: true, force: true });
}
