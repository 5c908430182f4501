/**
 * Sends one request sequence to both sides, normalises both answers by rule and compares them.
 * A difference is `<case> <path>`; the test fails on any that tests/conformance/allowed-differences.ts
 * does not list.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { ALLOWED_DIFFERENCES, type AllowedDifference } from '../allowed-differences.ts';
import { normalise, type Normalised } from './normalise.ts';
import type { Side, Sides } from './sides.ts';

export interface Difference {
  /** `<case> <path>`, the key the allow-list matches. */
  where: string;
  idp: Normalised | undefined;
  keycloak: Normalised | undefined;
}

export function differences(caseName: string, idp: Normalised, keycloak: Normalised): Difference[] {
  const found: Difference[] = [];
  const walk = (path: string, a: Normalised | undefined, b: Normalised | undefined) => {
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObject(a) && isObject(b)) {
      const left = a as Record<string, Normalised>;
      const right = b as Record<string, Normalised>;
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)]))
        walk(`${path}/${key}`, left[key], right[key]);
      return;
    }
    if (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.some((v) => typeof v === 'object')
    ) {
      a.forEach((item, index) => walk(`${path}/${index}`, item, b[index]));
      return;
    }
    if (!isDeepStrictEqual(a, b)) found.push({ where: `${caseName} ${path || '/'}`, idp: a, keycloak: b });
  };
  walk('', idp, keycloak);
  return found;
}

/**
 * Whether the allow-list covers a difference. `where` patterns: `*` is any run of characters,
 * `{a,b}` either of the alternatives (which may hold `*` too); everything else literal.
 */
export function isAllowed(where: string): boolean {
  return ALLOWED_DIFFERENCES.some((entry) => patternOf(entry.where).test(where));
}

export function patternOf(where: string): RegExp {
  return new RegExp(`^${source(where)}$`);
}

function source(pattern: string): string {
  return pattern
    .split(/(\{[^}]*\})/)
    .map((part) =>
      part.startsWith('{') && part.endsWith('}')
        ? `(?:${part.slice(1, -1).split(',').map(source).join('|')})`
        : part.split('*').map(escape).join('.*'),
    )
    .join('');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What this test process compared: the cases, and every difference found (allowed or not). */
const compared = new Set<string>();
const found = new Set<string>();

/** `<case>` of an allow-list entry's `<case> <path>` (the path is its last word). */
const casePatternOf = (where: string) => patternOf(where.slice(0, where.lastIndexOf(' ')));

/**
 * The entries that no longer match any difference: an entry is judged where one of its cases was
 * compared, and is stale when no difference found matches it. So the allow-list can only shrink
 * truthfully: a difference fixed (or gone from Keycloak) must leave it.
 */
export function staleAmong(
  entries: readonly AllowedDifference[],
  cases: Iterable<string>,
  differenceWheres: Iterable<string>,
): AllowedDifference[] {
  const names = [...cases];
  const wheres = [...differenceWheres];
  return entries.filter((entry) => {
    const pattern = patternOf(entry.where);
    const ofCase = casePatternOf(entry.where);
    return names.some((name) => ofCase.test(name)) && !wheres.some((where) => pattern.test(where));
  });
}

/** The stale entries of the allow-list among the cases this process compared so far. */
export const staleEntries = () => staleAmong(ALLOWED_DIFFERENCES, compared, found);

/**
 * Runs `exchange` on the idp and then on Keycloak, and asserts their normalised answers differ
 * only where the allow-list says. Returns both raw answers for follow-up requests.
 */
export async function conform<T>(
  sides: Sides,
  caseName: string,
  exchange: (side: Side) => Promise<T>,
): Promise<{ idp: T; keycloak: T }> {
  const idp = await exchange(sides.idp);
  const keycloak = await exchange(sides.keycloak);
  assertConformant(caseName, normalise(idp, sides.idp.origin), normalise(keycloak, sides.keycloak.origin));
  return { idp, keycloak };
}

export function assertConformant(caseName: string, idp: Normalised, keycloak: Normalised): void {
  const all = differences(caseName, idp, keycloak);
  compared.add(caseName);
  for (const difference of all) found.add(difference.where);
  const unexpected = all.filter((d) => !isAllowed(d.where));
  if (unexpected.length === 0) return;
  const shown = (value: unknown) => (JSON.stringify(value) ?? 'absent').slice(0, 300);
  assert.fail(
    `differences from Keycloak not in tests/conformance/allowed-differences.ts:\n` +
      unexpected.map((d) => `  ${d.where}: idp ${shown(d.idp)} / keycloak ${shown(d.keycloak)}`).join('\n'),
  );
}
