/**
 * Start-up time of the standalone idp (`npm run idp` = node packages/idp/src/server.ts) with its
 * keys already on disk: from spawning the process to the first 200 on the realm's discovery
 * document (target < 1 s). Also prints the idp's own `readyMs` (process start → listening) and the
 * CPU the process used until then. Bounded: a few runs, each killed after its first 200.
 *
 *   node bench/idp-start.bench.ts [--runs 7]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SECRETS } from '@mockmart/idp/testing';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Math.min(30, Number(values.runs));
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = await mkdtemp(join(tmpdir(), 'idp-start-bench-'));

interface Run {
  firstOkMs: number;
  readyMs: number;
  cpuMs: number;
}

async function once(): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'packages/idp/src/server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...SECRETS,
      NODE_ENV: 'development',
      IDP_PORT: '0',
      IDP_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const deadline = started + 15_000;
  try {
    let output = '';
    let url: string | undefined;
    let readyMs = NaN;
    let cpuMs = NaN;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { url?: string; readyMs?: number; cpuMs?: number };
          if (entry.url && !url) url = entry.url;
          if (typeof entry.readyMs === 'number') readyMs = entry.readyMs;
          if (typeof entry.cpuMs === 'number') cpuMs = entry.cpuMs;
        } catch {
          // a partial line: the rest follows in the next chunk
        }
      }
    });
    // Poll (short interval, hard deadline) for the first 200 on discovery.
    for (;;) {
      if (performance.now() > deadline) throw new Error(`idp not ready within 15 s:\n${output}`);
      if (child.exitCode !== null) throw new Error(`idp exited with ${child.exitCode}:\n${output}`);
      if (url) {
        const response = await fetch(`${url}/auth/realms/techstore/.well-known/openid-configuration`).catch(
          () => undefined,
        );
        if (response?.status === 200) {
          await response.body?.cancel();
          const firstOkMs = performance.now() - started;
          while (Number.isNaN(readyMs) && performance.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 5));
          return { firstOkMs, readyMs, cpuMs };
        }
        await response?.body?.cancel();
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

try {
  await once(); // creates the keys in dataDir: every measured run finds them on disk
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const first = median(results.map((r) => r.firstOkMs));
  console.log(
    `idp start with keys on disk, ${runs} runs (Node ${process.version}, load avg ${loadavg()[0]?.toFixed(1)})`,
  );
  console.log(`  runs: ${results.map((r) => `${Math.round(r.firstOkMs)} ms`).join(', ')}`);
  console.log(
    `  spawn → first 200 on discovery: median ${Math.round(first)} ms (target < 1000 ms: ${first < 1000 ? 'met' : 'NOT met'}); idp readyMs median ${Math.round(median(results.map((r) => r.readyMs)))} ms, CPU until ready median ${Math.round(median(results.map((r) => r.cpuMs)))} ms`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
