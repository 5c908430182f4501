import { readFileSync } from 'node:fs';
import type RealmRepresentation from '@keycloak/keycloak-admin-client/lib/defs/realmRepresentation.js';

export type { RealmRepresentation };

/**
 * `${UPPER_SNAKE}` is an environment variable, as Keycloak's `--import-realm` reads it; lower-case
 * keys such as `${role_offline-access}` are Keycloak's message keys and stay as they are.
 */
const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)\}/g;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The realm file with its placeholders resolved from `env` (a variable may also be given as
 * `NAME_FILE`, a path to a file holding it). Client secrets are kept only with `withSecrets`:
 * without it they are dropped before resolution, so diff and audit need no secret at all.
 * Every missing variable is named in one error.
 */
export function loadRealmFile(
  file: string,
  env: Env,
  options: { withSecrets: boolean },
): RealmRepresentation {
  const realm = JSON.parse(readFileSync(file, 'utf8')) as RealmRepresentation;
  if (typeof realm.realm !== 'string') throw new Error(`${file}: a realm file needs a "realm" name`);
  if (!options.withSecrets) for (const client of realm.clients ?? []) delete client.secret;
  const missing = new Set<string>();
  const resolved = resolve(realm, (name) => {
    const value = valueOf(env, name);
    if (value === undefined) missing.add(name);
    return value;
  }) as RealmRepresentation;
  if (missing.size > 0) {
    const names = [...missing];
    throw new Error(
      `${file} needs ${names.map((n) => `\${${n}}`).join(', ')}: set ${names.join(', ')} (or ${names[0]}_FILE …)`,
    );
  }
  return resolved;
}

/** The placeholder names in the `secret` fields of a realm file's clients, by clientId. */
export function secretVariables(file: string): Map<string, string> {
  const realm = JSON.parse(readFileSync(file, 'utf8')) as RealmRepresentation;
  const out = new Map<string, string>();
  for (const client of realm.clients ?? []) {
    const name = /^\$\{([A-Z][A-Z0-9_]*)\}$/.exec(client.secret ?? '')?.[1];
    if (client.clientId && name) out.set(client.clientId, name);
  }
  return out;
}

/** A variable's value from `NAME` or the file `NAME_FILE` names; undefined when neither is set. */
export function valueOf(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    throw new Error(
      `${name}_FILE=${JSON.stringify(file)} cannot be read: check the path and its permissions`,
    );
  }
}

function resolve(value: unknown, lookup: (name: string) => string | undefined): unknown {
  if (typeof value === 'string')
    return value.replace(PLACEHOLDER, (whole, name: string) => lookup(name) ?? whole);
  if (Array.isArray(value)) return value.map((v) => resolve(v, lookup));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, lookup)]));
  return value;
}
