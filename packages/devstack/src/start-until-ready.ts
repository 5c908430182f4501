import { spawn, type ChildProcess } from 'node:child_process';

export interface StartedSystem {
  child: ChildProcess;
  /** Everything npm start printed so far (stdout and stderr). */
  output(): string;
  /** Part name → pid, from the banner's Processes line. */
  pids: Map<string, number>;
}

const PROCESSES_LINE = /Processes\s+(.+)/;

/**
 * Runs npm start's supervisor (`args` as package.json's start script gives them to node) and
 * waits for its banner. An early exit or no banner within `timeoutMs` fails with what it printed,
 * and a supervisor still running then is interrupted, so nothing is left behind.
 */
export async function startUntilReady(options: {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<StartedSystem> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + options.timeoutMs;
  while (!PROCESSES_LINE.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`npm start was not ready within ${options.timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const pids = new Map(
    PROCESSES_LINE.exec(output)![1]!
      .split(', ')
      .map((entry) => entry.split(' ') as [string, string])
      .map(([name, pid]) => [name, Number(pid)] as const),
  );
  return { child, output: () => output, pids };
}
