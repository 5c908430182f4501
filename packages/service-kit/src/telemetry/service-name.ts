import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The service name of a process started with `--import …/telemetry/register`: OTEL_SERVICE_NAME
 * when set, else the name of the package that holds the entry script (`@mockmart/inventory` →
 * `inventory`), else the package of the working directory. Without either it is the
 * OpenTelemetry default `unknown_service:node`, and the caller says so loudly.
 */
export function resolveServiceName(
  env: Readonly<Record<string, string | undefined>>,
  entry: string | undefined,
  cwd: string,
): { name: string; derived: 'env' | 'package' | 'unknown' } {
  const explicit = env.OTEL_SERVICE_NAME?.trim();
  if (explicit) return { name: explicit, derived: 'env' };
  for (const start of [entry ? dirname(resolve(cwd, entry)) : undefined, cwd]) {
    const name = start && nearestPackageName(start);
    if (name) return { name: name.replace(/^@[^/]+\//, ''), derived: 'package' };
  }
  return { name: 'unknown_service:node', derived: 'unknown' };
}

function nearestPackageName(from: string): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    const file = join(folder, 'package.json');
    if (existsSync(file)) {
      try {
        const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
        if (typeof name === 'string' && name) return name;
      } catch {
        // An unreadable package.json says nothing about the name: keep looking upwards.
      }
    }
    if (dirname(folder) === folder) return undefined;
  }
}
