import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createInterface } from 'node:readline';
import {
  COMPILE_CACHE_DIR,
  REPO_ROOT,
  START_WAVES,
  planParts,
  type PartSpec,
  type SystemPlan,
} from '@mockmart/devstack';

export interface RunningPart {
  spec: PartSpec;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the same part again (after a crash or a kill) and waits until it is ready. */
  restart(): Promise<void>;
}

export interface RunOptions {
  onLine?: (part: string, line: string) => void;
  onExit?: (part: string, code: number | null, signal: NodeJS.Signals | null) => void;
  readyTimeoutMs?: number;
}

export async function startPart(spec: PartSpec, options: RunOptions = {}): Promise<RunningPart> {
  let child!: ChildProcess;
  let exited!: RunningPart['exited'];
  let expectedExit = false;
  const tail: string[] = [];
  const firstErrors: string[] = [];

  const launch = () => {
    expectedExit = false;
    tail.length = 0;
    firstErrors.length = 0;
    child = spawn(spec.command ?? process.execPath, spec.args, {
      cwd: REPO_ROOT,
      env: {
        ...(spec.command ? {} : { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR }),
        ...process.env,
        ...spec.env,
        PATH: process.env.PATH ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: spec.processGroup === true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream)
        createInterface({ input: stream }).on('line', (line) => {
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          if (firstErrors.length < FIRST_ERRORS && ERROR_LINE.test(line)) firstErrors.push(line);
          options.onLine?.(spec.name, line);
        });
    }
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!expectedExit) options.onExit?.(spec.name, code, signal);
        resolve({ code, signal });
      }),
    );
  };

  const part: RunningPart = {
    spec,
    get child() {
      return child;
    },
    get exited() {
      return exited;
    },
    async stop(signal = 'SIGTERM') {
      expectedExit = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = (sig: NodeJS.Signals) => {
        try {
          if (spec.processGroup) process.kill(-child.pid!, sig);
          else child.kill(sig);
        } catch {
          // already gone
        }
      };
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(timer);
    },
    async restart() {
      await part.stop('SIGKILL');
      launch();
      await waitReady(spec, () => exited, options.readyTimeoutMs ?? spec.readyTimeoutMs);
      await spec.afterReady?.();
    },
  };

  launch();
  try {
    await waitReady(spec, () => exited, options.readyTimeoutMs ?? spec.readyTimeoutMs);
    await spec.afterReady?.();
  } catch (error) {
    await part.stop('SIGKILL');
    // The part's own words say why (port taken, database refused, bad option): its first error
    // lines, which a flood of shutdown noise can push out of the tail, then its last lines.
    const errors = firstErrors.length
      ? `\n--- first errors of ${spec.name} ---\n${firstErrors.join('\n')}`
      : '';
    throw new Error(
      `${(error as Error).message}${errors}\n--- last lines of ${spec.name} ---\n${tail.join('\n')}`,
      { cause: error },
    );
  }
  return part;
}

const TAIL_LINES = 30;
const FIRST_ERRORS = 5;
// Keycloak and PostgreSQL print ERROR/FATAL, Node an uncaught `Error:`, pino level 50/60.
const ERROR_LINE = /\b(ERROR|FATAL)\b|^\w*Error:|"level":[56]0/;

/** Polls the part's readiness URL until 200, the process exits, or the deadline passes. */
async function waitReady(spec: PartSpec, exited: () => Promise<unknown>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited().then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${spec.name} exited before it was ready`);
    const status = await statusOf(spec.readyUrl, 1000);
    if (status !== undefined && status >= 200 && status < 300) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${spec.name} was not ready at ${spec.readyUrl} within ${timeoutMs} ms`);
}

/**
 * One GET: the status, or undefined when nothing answers in time. node:http rather than fetch, so
 * that `npm start`'s supervisor never loads undici (≈ 8 MiB it would hold for as long as it runs).
 */
function statusOf(url: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(undefined));
  });
}

/** The part group a spec belongs to (replicas share one): its name unless it says otherwise. */
const groupOf = (spec: PartSpec): string => spec.group ?? spec.name;

export interface RunningSystem {
  parts: Map<string, RunningPart>;
  part(name: string): RunningPart;
  stop(): Promise<void>;
}

/**
 * Starts every part wave by wave (the idp first, the gateway last), each wave once ready. A wave
 * names part groups: every replica of a group starts with it. `only` names groups too.
 */
export async function startSystem(
  plan: SystemPlan,
  options: RunOptions & { only?: string[] } = {},
): Promise<RunningSystem> {
  const specs = planParts(plan);
  const parts = new Map<string, RunningPart>();
  const system: RunningSystem = {
    parts,
    part(name) {
      const found = parts.get(name);
      if (!found) throw new Error(`no running part named ${name}`);
      return found;
    },
    async stop() {
      for (const wave of [...START_WAVES].reverse()) {
        await Promise.all(
          [...parts.values()].filter((part) => wave.includes(groupOf(part.spec))).map((part) => part.stop()),
        );
      }
    },
  };
  try {
    for (const wave of START_WAVES) {
      const starting = specs.filter(
        (spec) => wave.includes(groupOf(spec)) && (!options.only || options.only.includes(groupOf(spec))),
      );
      const results = await Promise.allSettled(starting.map((spec) => startPart(spec, options)));
      for (const result of results)
        if (result.status === 'fulfilled') parts.set(result.value.spec.name, result.value);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}
