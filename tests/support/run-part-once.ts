import { spawn } from 'node:child_process';
import { REPO_ROOT } from '@mockmart/devstack';
import { freePorts, type TestSystem } from './system.ts';

/**
 * Starts one more copy of a running part with some variables changed, on a free port, and reports
 * how it ended: for the start-up refusals (bad issuer, missing secret, production rules).
 * A copy that is still running after `timeoutMs` is stopped and reported with code null.
 */
export async function runPartOnce(
  system: TestSystem,
  name: string,
  overrides: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const spec = system.system.part(name).spec;
  const [port, metricsPort] = await freePorts(2);
  const env: Record<string, string> = {
    ...process.env,
    ...spec.env,
    PORT: String(port),
    IDP_PORT: String(port),
    // The running part holds its own metrics port too.
    ...(spec.env.METRICS_PORT ? { METRICS_PORT: String(metricsPort) } : {}),
  } as Record<string, string>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === '') delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, spec.args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => resolve(exitCode)),
  );
  clearTimeout(timer);
  return { code, output };
}
