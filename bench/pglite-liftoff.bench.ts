/**
 * `node bench/pglite-liftoff.bench.ts`: what V8's `--liftoff-only` does to embedded PGlite, which
 * `npm start` passes to services without DATABASE_URL (scripts/lib/parts.ts). Each run is a fresh
 * process opening a warm cluster, then N checkout-like iterations (a two-statement write
 * transaction and two lookups); default V8 tiering and liftoff-only alternate, 3 runs each, and
 * the medians are printed side by side: time to open, time for the work, and the process's whole
 * CPU (background compiler threads included). Bounded to ~1 min.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../packages/service-kit/src/db/index.ts';

const WORKLOAD = fileURLToPath(new URL('./pglite-workload.ts', import.meta.url));
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Run {
  readyMs: number;
  workMs: number;
  cpuMs: number;
  processMs: number;
}

const dataDir = mkdtempSync(join(tmpdir(), 'pglite-liftoff-'));
try {
  await (await openDatabase({ dataDir })).close(); // initdb once, outside the measurement

  const modes = { 'default tiering': [] as string[], '--liftoff-only': ['--liftoff-only'] };
  const runs = new Map<string, Run[]>(Object.keys(modes).map((mode) => [mode, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const [mode, flags] of Object.entries(modes)) {
      const started = performance.now();
      const out = execFileSync(process.execPath, [...flags, WORKLOAD, dataDir, String(ITERATIONS)], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const run = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Omit<Run, 'processMs'>;
      runs.get(mode)?.push({ ...run, processMs: performance.now() - started });
    }
  }

  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(10);
  console.log(
    `PGlite with and without --liftoff-only: warm cluster, ${ITERATIONS} iterations, median of ${RUNS} runs each (Node ${process.version}, load avg ${loadavg()[0]?.toFixed(1)})`,
  );
  console.log(
    `${'mode'.padEnd(18)}${'open'.padStart(10)}${'work'.padStart(10)}${'process'.padStart(10)}${'CPU'.padStart(10)}`,
  );
  for (const [mode, list] of runs) {
    console.log(
      `${mode.padEnd(18)}${ms(median(list.map((r) => r.readyMs)))}${ms(median(list.map((r) => r.workMs)))}${ms(median(list.map((r) => r.processMs)))}${ms(median(list.map((r) => r.cpuMs)))}`,
    );
  }
  console.log('(process = spawn to exit; CPU = the whole process, background compiler threads included)');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
