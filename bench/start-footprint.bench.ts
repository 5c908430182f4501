/**
 * `node bench/start-footprint.bench.ts`: `npm start` as a user runs it (scripts/start.ts, embedded
 * PostgreSQL), on shifted ports and a temporary data folder:
 *
 *   first   start on a fresh data folder (initdb, databases, migrations, idp keys, password
 *           hashes) and an empty Node compile cache, to the banner
 *   warm    start again on the same folder                       targets: first ≤ 12 s, warm ≤ 5 s
 *   memory  RSS and PSS of every process at rest, per part and in total, after each of the `--rest`
 *           times (default 10 s, and 40 s: the services' database pools close idle connections
 *           after 30 s)
 *                                                                 target: ≤ 800 MB in all
 *
 * Reference, measured in the same run: one bare Node process (`node -e` with a timer), what each
 * of the seven Node processes costs before it loads anything. RSS counts pages the processes share
 * (the node binary, PostgreSQL's shared memory) once per process; PSS shares them out, so the PSS
 * of all processes sums to what the system really occupies.
 *
 * The shop UI's build is not part of these figures when its cache is current (it is after one
 * `npm start` or `npm run build -w apps/shop-ui`); a clean checkout builds it once (printed apart).
 *
 *   node bench/start-footprint.bench.ts [--warm 2] [--rest 10,40]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_METRICS_PORTS, DEFAULT_PORTS, EMBEDDED_POSTGRES_PORT, REPO_ROOT } from '@mockmart/devstack';
import { startUntilReady } from '@mockmart/devstack/start-until-ready';
import { freeOffset } from '../scripts/lib/free-ports.ts';
import { memoryOf, processTree } from '../scripts/lib/memory.ts';
import { treeCpuMsOf } from '../scripts/lib/cpu.ts';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '2' },
    rest: { type: 'string', default: '10,40' },
    against: { type: 'string' },
  },
});
const warmRuns = Math.min(Math.max(Number(values.warm), 1), 5);
const restSeconds = values.rest
  .split(',')
  .map((value) => Math.min(Math.max(Number(value), 1), 120))
  .sort((a, b) => a - b);

const folder = mkdtempSync(join(tmpdir(), 'mockmart-start-bench-'));
chmodSync(folder, 0o755); // as root, PostgreSQL runs as the postgres user, who must reach its data
const offset = await freeOffset([
  ...Object.values(DEFAULT_PORTS),
  ...Object.values(DEFAULT_METRICS_PORTS),
  EMBEDDED_POSTGRES_PORT,
]);

/** A checkout whose `npm start` is measured: this one, and the reference given with --against. */
interface Side {
  label: string;
  root: string;
  /** What `npm start` runs there (its package.json), without npm's own process in front of it. */
  args: string[];
  env: Record<string, string | undefined>;
}

function side(label: string, root: string, compileCache: boolean): Side {
  const { start } = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts;
  const env: Record<string, string | undefined> = {
    ...process.env,
    MOCKMART_PORT_OFFSET: String(offset),
    MOCKMART_DATA_DIR: join(folder, label, 'data'),
    MOCKMART_SECRETS_FILE: join(folder, label, 'secrets.env'),
    NODE_ENV: 'development',
  };
  delete env.DATABASE_URL;
  delete env.NODE_COMPILE_CACHE;
  mkdirSync(join(folder, label), { mode: 0o755 }); // the postgres user must reach the data below
  // Empty at the first run, as on a machine that never ran MockMart; the warm runs reuse it. Not
  // set for a reference checkout: whatever its own code does is what it is measured with.
  if (compileCache) env.NODE_COMPILE_CACHE = join(folder, label, 'compile-cache');
  return { label, root, args: start.split(' ').slice(1), env };
}

const sides = [
  side('this', REPO_ROOT, true),
  ...(values.against ? [side('reference', resolve(values.against), false)] : []),
];

interface Started {
  child: ChildProcess;
  /** Spawn to banner, as measured here (includes Node's own start of the supervisor). */
  seconds: number;
  /** The figure the banner prints. */
  bannerSeconds: number;
  /** CPU time every process of the system used until the banner: what a busy machine does not inflate. */
  cpuSeconds: number;
  /** Part name → pid, from the banner's Processes line. */
  pids: Map<string, number>;
  /** CPU seconds per part until the banner (the supervisor's includes initdb and the UI build). */
  cpuByPart: Map<string, number>;
}

async function start(side: Side): Promise<Started> {
  const began = performance.now();
  const { child, output, pids } = await startUntilReady({
    args: side.args,
    cwd: side.root,
    env: side.env,
    timeoutMs: 120_000,
  });
  const seconds = (performance.now() - began) / 1000;
  const cpuSeconds = treeCpuMsOf(processTree(child.pid!)) / 1000;
  const bannerSeconds = Number(/MockMart is running \(([\d.]+) s\)/.exec(output())?.[1]);
  const cpuByPart = new Map([
    ['supervisor', treeCpuMsOf([child.pid!]) / 1000],
    ...[...pids].map(([name, pid]) => [name, treeCpuMsOf(processTree(pid)) / 1000] as const),
  ]);
  return { child, seconds, bannerSeconds, cpuSeconds, pids, cpuByPart };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await gone;
  clearTimeout(timer);
}

interface Footprint {
  rss: number;
  pss: number;
  processes: number;
}

function footprintOf(pids: number[]): Footprint {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    const memory = memoryOf(pid);
    rss += memory.rss;
    pss += memory.pss;
  }
  return { rss, pss, processes: pids.length };
}

/** Memory of each part (PostgreSQL with its workers and connections), the supervisor alone, and all. */
function measure(started: Started): Map<string, Footprint> {
  const supervisor = started.child.pid!;
  const rows = new Map<string, Footprint>([['supervisor', footprintOf([supervisor])]]);
  for (const [name, pid] of started.pids) rows.set(name, footprintOf(processTree(pid)));
  rows.set('total', footprintOf(processTree(supervisor)));
  return rows;
}

/** The reference: a Node process that has loaded nothing. */
async function bareNode(): Promise<Footprint> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const footprint = footprintOf([child.pid!]);
  child.kill();
  return footprint;
}

const fmt = (value: number, digits = 0) => value.toFixed(digits).padStart(7);

try {
  const bare = await bareNode();
  const results = new Map(sides.map((one) => [one.label, measured()]));
  // Run by run, the sides take turns, so a change in the machine's load reaches both.
  for (let run = 0; run <= warmRuns; run++) {
    for (const one of sides) {
      const result = results.get(one.label)!;
      const started = await start(one);
      const label = `${one.label}, ${run === 0 ? 'first (fresh data folder)' : `warm ${run}`}`;
      result.runs.push({ seconds: started.seconds, cpuSeconds: started.cpuSeconds });
      result.cpuByPart.push(started.cpuByPart);
      console.log(
        `${label.padEnd(38)} ${started.seconds.toFixed(2)} s to the banner (it says ${started.bannerSeconds} s), ` +
          `${started.cpuSeconds.toFixed(2)} s CPU, load average ${loadAverage()}`,
      );
      if (run === warmRuns) {
        // At rest: after the idp's deferred password hashing and the parts' start-up work.
        let waited = 0;
        for (const seconds of restSeconds) {
          await new Promise((resolve) => setTimeout(resolve, (seconds - waited) * 1000));
          waited = seconds;
          result.memory.push(measure(started));
        }
      }
      await stop(started.child);
    }
  }
  for (const one of sides) report(one.label, results.get(one.label)!, bare);
} finally {
  rmSync(folder, { recursive: true, force: true });
}

function loadAverage(): string {
  return loadavg()[0]!.toFixed(1);
}

interface Measured {
  runs: { seconds: number; cpuSeconds: number }[];
  cpuByPart: Map<string, number>[];
  /** Per rest time: memory per part. */
  memory: Map<string, Footprint>[];
}

function measured(): Measured {
  return { runs: [], cpuByPart: [], memory: [] };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function report(label: string, { runs, cpuByPart, memory }: Measured, bare: Footprint): void {
  const warm = runs.slice(1);
  console.log(
    `\n━━ ${label}: start to ready (spawn of what npm start runs → banner), on ${availableParallelism()} CPUs`,
  );
  console.log(
    `  first ${runs[0]!.seconds.toFixed(2)} s (target ≤ 12), ${runs[0]!.cpuSeconds.toFixed(2)} s CPU` +
      `   warm median ${median(warm.map((run) => run.seconds)).toFixed(2)} s (target ≤ 5), ` +
      `${median(warm.map((run) => run.cpuSeconds)).toFixed(2)} s CPU`,
  );
  console.log(
    `\nmemory at rest of the last start (MiB; processes counted at the last time); CPU s until ready, first and warm median`,
  );
  const header = restSeconds
    .map((seconds) => `RSS ${seconds}s`.padStart(9) + `PSS ${seconds}s`.padStart(9))
    .join('');
  console.log(
    `${'process'.padEnd(16)}${header}  processes${'CPU first'.padStart(11)}${'CPU warm'.padStart(10)}`,
  );
  const cell = (value: number) => value.toFixed(0).padStart(9);
  console.log(
    `${'bare node (ref)'.padEnd(16)}${restSeconds.map(() => cell(bare.rss) + cell(bare.pss)).join('')}          1`,
  );
  for (const name of memory[0]!.keys()) {
    const cpu =
      name === 'total'
        ? [runs[0]!.cpuSeconds, median(warm.map((run) => run.cpuSeconds))]
        : [cpuByPart[0]!.get(name) ?? 0, median(cpuByPart.slice(1).map((parts) => parts.get(name) ?? 0))];
    const rows = memory.map((sample) => sample.get(name)!);
    console.log(
      `${name.padEnd(16)}${rows.map((row) => cell(row.rss) + cell(row.pss)).join('')}` +
        `${String(rows.at(-1)!.processes).padStart(11)}${fmt(cpu[0]!, 2).padStart(11)}${fmt(cpu[1]!, 2).padStart(10)}`,
    );
  }
  const nodeCount = [...memory[0]!.keys()].filter((name) => !['postgres', 'total'].includes(name)).length;
  for (const [index, seconds] of restSeconds.entries()) {
    const total = memory[index]!.get('total')!;
    console.log(
      `${index === 0 ? '\n' : ''}total after ${seconds} s: RSS ${total.rss.toFixed(0)} MiB = ${(total.rss * 1.048576).toFixed(0)} MB, ` +
        `PSS ${total.pss.toFixed(0)} MiB = ${(total.pss * 1.048576).toFixed(0)} MB (target ≤ 800 MB)`,
    );
  }
  console.log(`${nodeCount} Node processes, each ${bare.rss.toFixed(0)} MiB RSS before loading anything`);
}
