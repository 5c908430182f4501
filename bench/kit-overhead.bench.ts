/**
 * `node bench/kit-overhead.bench.ts`: what the service kit costs.
 *  1. Requests/s and p50/p99 latency of a small JSON route on bare Fastify vs createApp (logging at
 *     info, as services run, and at warn), each server in its own process, loaded in turn by the
 *     same keep-alive loop (node:http, N concurrent workers) over loopback, in interleaved rounds
 *     (the median of each is kept) so a busy machine skews all three alike. Target: ≤ 15 % overhead.
 *  2. Start-to-ready: from spawning a createApp + PostgreSQL + migration process to the first
 *     /health/ready 200. Target: < 1.5 s.
 * Bounded to ~15 s. Figures depend on the machine; compare them within one run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createThrowawayDatabase } from '@mockmart/service-kit/testing';

const SERVER = fileURLToPath(new URL('./kit-bench-server.ts', import.meta.url));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 1200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const READY_RUNS = Number(process.env.BENCH_READY_RUNS ?? 2);
const WARMUP_MS = 500;

interface Started {
  child: ChildProcess;
  port: number;
  spawnedAt: number;
}

function startServer(mode: string, env: Record<string, string> = {}): Promise<Started> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [SERVER, mode], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start: ${stderr}`)), 15_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /PORT (\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), spawnedAt });
      }
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}: ${stderr}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/** N workers, each sending the next request as soon as the previous answered, until the deadline. */
async function load(port: number, durationMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        const status = await get(agent, port, '/api/product').catch(() => 0);
        if (status === 200) latencies.push(performance.now() - sent);
        else failures++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: (latencies.length / elapsed) * 1000, p50: at(0.5), p99: at(0.99), failures };
}

async function startToReady(mode: 'ready' | 'kit', env: Record<string, string> = {}): Promise<number> {
  const server = await startServer(mode, { LOG_LEVEL: 'warn', ...env });
  const agent = new Agent({ keepAlive: false });
  try {
    const deadline = performance.now() + 15_000;
    while (performance.now() < deadline) {
      if ((await get(agent, server.port, '/health/ready').catch(() => 0)) === 200) {
        return performance.now() - server.spawnedAt;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('never ready');
  } finally {
    agent.destroy();
    await stop(server.child);
  }
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
console.log(
  `kit overhead: ${CONCURRENCY} keep-alive workers, ${ROUNDS} interleaved rounds of ${DURATION_MS} ms, Node ${process.version}\n`,
);

const configs: Array<{ name: string; mode: string; env: Record<string, string> }> = [
  { name: 'bare Fastify', mode: 'bare', env: {} },
  { name: 'createApp, LOG_LEVEL=info', mode: 'kit', env: { LOG_LEVEL: 'info' } },
  { name: 'createApp, LOG_LEVEL=warn', mode: 'kit', env: { LOG_LEVEL: 'warn' } },
];
const servers = await Promise.all(configs.map((config) => startServer(config.mode, config.env)));
const runs: Array<Array<Awaited<ReturnType<typeof load>>>> = configs.map(() => []);
try {
  for (const server of servers) await load(server.port, WARMUP_MS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, server] of servers.entries()) runs[index]!.push(await load(server.port, DURATION_MS));
  }
} finally {
  await Promise.all(servers.map((server) => stop(server.child)));
}

const summary = runs.map((list) => ({
  rps: median(list.map((run) => run.rps)),
  p50: median(list.map((run) => run.p50)),
  p99: median(list.map((run) => run.p99)),
  failures: list.reduce((sum, run) => sum + run.failures, 0),
}));
const bare = summary[0]!;
console.log(
  `${'server'.padEnd(28)}${'req/s'.padStart(10)}${'p50'.padStart(11)}${'p99'.padStart(11)}${'overhead'.padStart(10)}`,
);
for (const [index, result] of summary.entries()) {
  const overhead = index === 0 ? '—' : `${(((bare.rps - result.rps) / bare.rps) * 100).toFixed(1)} %`;
  console.log(
    `${configs[index]!.name.padEnd(28)}${result.rps.toFixed(0).padStart(10)}${ms(result.p50).padStart(11)}` +
      `${ms(result.p99).padStart(11)}${overhead.padStart(10)}${result.failures ? `  (${result.failures} failed)` : ''}`,
  );
}
console.log('overhead = median throughput lost against bare Fastify (target ≤ 15 %)\n');

const postgres = await createThrowawayDatabase();
try {
  const startups: Array<['ready' | 'kit', string, Record<string, string>]> = [
    ['kit', 'createApp, no database', {}],
    ...(postgres
      ? [
          [
            'ready',
            'createApp + PostgreSQL (DATABASE_URL) + 1 migration',
            { DATABASE_URL: postgres.url },
          ] as ['ready', string, Record<string, string>],
        ]
      : []),
  ];
  for (const [mode, label, env] of startups) {
    const times: number[] = [];
    for (let run = 0; run < READY_RUNS; run++) times.push(await startToReady(mode, env));
    console.log(
      `start-to-ready, ${label}: median ${ms(median(times))}, runs ${times.map((value) => value.toFixed(0)).join(' / ')} ms`,
    );
  }
} finally {
  await postgres?.drop();
}
console.log('start-to-ready = spawn → first /health/ready 200 (target < 1500 ms)');
