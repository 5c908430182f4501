import { readFileSync } from 'node:fs';
import { Kind, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isSecret } from './secret.ts';

type Env = Record<string, string | undefined>;

/** Thrown once with every configuration problem; `problems` lists them for tests and tooling. */
export class ConfigError extends Error {
  readonly code = 'KIT_CONFIG_INVALID';
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig<T extends TObject>(schema: T, env: Env): Readonly<Static<T>> {
  refuseSecretDefaults(schema);
  const problems: string[] = [];
  const values: Record<string, unknown> = {};

  for (const [name, property] of Object.entries(schema.properties) as [string, TSchema][]) {
    const raw = readRaw(name, property, env, problems);
    if (raw === undefined) {
      if (property.default !== undefined) values[name] = property.default;
      else if (!isOptional(schema, name))
        problems.push(
          `${name} is required: ${describe(property)}. Set ${name}${isSecret(property) ? ` or ${name}_FILE` : ''}.`,
        );
      continue;
    }
    const value = coerce(raw, property);
    const errors = [...Value.Errors(property, value)];
    if (errors.length > 0) {
      const shown = isSecret(property) ? '(secret value hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown} is invalid: ${errors[0]?.message}. Expected ${describe(property)}.`);
      continue;
    }
    values[name] = value;
  }

  problems.push(...productionProblems(values));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as Readonly<Static<T>>;
}

/**
 * A default secret is a secret everyone with the repository knows. It is a programmer error, not
 * a bad environment, so it throws before any variable is read, whatever the environment holds.
 */
function refuseSecretDefaults(schema: TObject): void {
  const defaulted = (Object.entries(schema.properties) as [string, TSchema][])
    .filter(([, property]) => isSecret(property) && property.default !== undefined)
    .map(([name]) => name);
  if (defaulted.length > 0)
    throw new TypeError(
      `Config schema gives a default to secret ${defaulted.join(', ')}: secrets never have defaults; remove it.`,
    );
}

function readRaw(name: string, property: TSchema, env: Env, problems: string[]): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  if (!isSecret(property)) return undefined;
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    problems.push(`${name}_FILE=${JSON.stringify(file)} cannot be read: check the path and its permissions.`);
    return undefined;
  }
}

function coerce(raw: string, property: TSchema): unknown {
  const kind = property[Kind];
  if (kind === 'Integer' || kind === 'Number') return raw.trim() === '' ? raw : Number(raw);
  if (kind === 'Boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
  }
  return raw;
}

function isOptional(schema: TObject, name: string): boolean {
  return !(schema.required ?? []).includes(name);
}

function describe(property: TSchema): string {
  return typeof property.description === 'string'
    ? property.description
    : `a ${String(property[Kind]).toLowerCase()}`;
}

/**
 * Problem 6 of the seed article: settings that are fine on a laptop and dangerous in production.
 * Public URLs (the ones users and token issuers see) must be https when NODE_ENV=production.
 */
function productionProblems(values: Record<string, unknown>): string[] {
  if (values.NODE_ENV !== 'production') return [];
  return Object.entries(values)
    .filter(
      ([name, value]) =>
        name.endsWith('_PUBLIC_URL') && typeof value === 'string' && value.startsWith('http:'),
    )
    .map(
      ([name, value]) =>
        `${name}=${JSON.stringify(value)} is plain http: in production public URLs must use https.`,
    );
}
