import { readFile } from 'node:fs/promises';
import { IdpError } from '../errors.ts';
import { substitutePlaceholders } from './placeholders.ts';
import type { RealmRep } from './representation.ts';

export interface MergeOptions {
  /** Production: a partial realm may not replace the realm's password policy. */
  production?: boolean;
}

/**
 * Reads realm files, substitutes `${ENV}` placeholders and merges files naming the same realm.
 * A later file for an already-seen realm is a *partial* realm (like dev-users.json): its users,
 * clients, roles and scopes are appended; duplicates are refused so nothing is silently replaced.
 * Its `passwordPolicy`, if any, replaces the realm's — outside production only: dev-users.json
 * relaxes the policy for the original system's short demo passwords.
 */
export async function loadRealmFiles(
  files: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: MergeOptions = {},
): Promise<RealmRep[]> {
  const reps: RealmRep[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new IdpError(
        'IDP_REALM_FILE_INVALID',
        `cannot read realm file ${file}: ${(err as Error).message}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(substitutePlaceholders(text, env, file));
    } catch (err) {
      if (err instanceof IdpError) throw err;
      throw new IdpError(
        'IDP_REALM_FILE_INVALID',
        `realm file ${file} is not valid JSON: ${(err as Error).message}`,
      );
    }
    reps.push(...(Array.isArray(parsed) ? parsed : [parsed]).map((r) => checkRealm(r, file)));
  }
  return mergeRealms(reps, options);
}

function checkRealm(value: unknown, source: string): RealmRep {
  if (typeof value !== 'object' || value === null || typeof (value as RealmRep).realm !== 'string') {
    throw new IdpError('IDP_REALM_FILE_INVALID', `${source}: a realm needs a "realm" name`);
  }
  return value as RealmRep;
}

export function mergeRealms(reps: readonly RealmRep[], options: MergeOptions = {}): RealmRep[] {
  const byName = new Map<string, RealmRep>();
  for (const rep of reps) {
    const name = rep.realm as string;
    const base = byName.get(name);
    if (!base) {
      byName.set(name, structuredClone(rep));
      continue;
    }
    if (rep.passwordPolicy !== undefined && rep.passwordPolicy !== base.passwordPolicy) {
      if (options.production)
        throw new IdpError(
          'IDP_PRODUCTION_REFUSED',
          `realm ${name}: a partial realm file replaces the password policy; not in production`,
        );
      base.passwordPolicy = rep.passwordPolicy;
    }
    appendUnique(base, rep, 'users', (u) => u.username?.toLowerCase());
    appendUnique(base, rep, 'clients', (c) => c.clientId);
    appendUnique(base, rep, 'clientScopes', (s) => s.name);
    if (rep.roles?.realm) {
      base.roles ??= {};
      base.roles.realm = concatUnique(base.roles.realm ?? [], rep.roles.realm, (r) => r.name, name, 'role');
    }
    for (const [clientId, roles] of Object.entries(rep.roles?.client ?? {})) {
      base.roles ??= {};
      base.roles.client ??= {};
      base.roles.client[clientId] = concatUnique(
        base.roles.client[clientId] ?? [],
        roles,
        (r) => r.name,
        name,
        'client role',
      );
    }
    if (rep.scopeMappings) base.scopeMappings = [...(base.scopeMappings ?? []), ...rep.scopeMappings];
    for (const [clientId, mappings] of Object.entries(rep.clientScopeMappings ?? {})) {
      base.clientScopeMappings ??= {};
      base.clientScopeMappings[clientId] = [...(base.clientScopeMappings[clientId] ?? []), ...mappings];
    }
  }
  return [...byName.values()];
}

type ListKey = 'users' | 'clients' | 'clientScopes';

function appendUnique<K extends ListKey>(
  base: RealmRep,
  extra: RealmRep,
  key: K,
  id: (item: NonNullable<RealmRep[K]>[number]) => string | undefined,
): void {
  const more = extra[key];
  if (!more) return;
  const merged = concatUnique(
    (base[key] ?? []) as never[],
    more as never[],
    id as never,
    base.realm as string,
    key,
  );
  (base as Record<string, unknown>)[key] = merged;
}

function concatUnique<T>(
  a: readonly T[],
  b: readonly T[],
  id: (item: T) => string | undefined,
  realm: string,
  what: string,
): T[] {
  const seen = new Set(a.map(id));
  for (const item of b) {
    const key = id(item);
    if (key !== undefined && seen.has(key)) {
      throw new IdpError('IDP_REALM_CONFLICT', `realm ${realm}: ${what} "${key}" is defined twice`);
    }
    seen.add(key);
  }
  return [...a, ...b];
}
