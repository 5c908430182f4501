import { valueOf } from '../load-realm-file.ts';
import type { RealmState } from '../realm-state.ts';
import type { AuditContext, AuditRule, ProjectLayout } from './audit-context.ts';
import { clientRules } from './client-rules.ts';
import { environmentRules } from './environment-rules.ts';
import { realmRules } from './realm-rules.ts';
import { serviceAccountRules } from './service-account-rules.ts';

/** The first article's checklist (as it applies to a realm) and this project's rules, in report order. */
const ORDER = [
  'audience-mappers',
  'configurable-issuer',
  'service-account-detection',
  'claims-as-roles',
  'ssl-required',
  'no-secret-defaults',
  'pkce-s256',
  'no-wildcard-uris',
  'direct-grants',
  'brute-force',
  'lifespans',
  'backchannel-logout',
  'least-privilege-service-accounts',
];
const byId = new Map(
  [...clientRules, ...environmentRules, ...realmRules, ...serviceAccountRules].map((r) => [r.id, r]),
);
export const AUDIT_RULES: readonly AuditRule[] = ORDER.map((id) => byId.get(id) as AuditRule);

export interface AuditResult {
  id: string;
  title: string;
  pass: boolean;
  failures: string[];
  fix: string;
}

export interface AuditInput {
  live: RealmState;
  env: Readonly<Record<string, string | undefined>>;
  /** Where the realm's discovery document is read, e.g. http://127.0.0.1:8081/auth. */
  baseUrl: string;
  secretVariables: ReadonlyMap<string, string>;
  adminClientId: string | undefined;
  layout: ProjectLayout;
  fetch?: typeof fetch;
}

export async function runAudit(input: AuditInput): Promise<AuditResult[]> {
  const env = { ...input.env };
  // Secrets given as NAME_FILE are read like the services read them.
  for (const name of [...input.secretVariables.values(), 'GATEWAY_SESSION_KEY'])
    env[name] = valueOf(input.env, name);
  const ctx: AuditContext = {
    live: input.live,
    env,
    issuer: await discoveredIssuer(
      input.fetch ?? fetch,
      `${input.baseUrl}/realms/${encodeURIComponent(input.live.name)}`,
    ),
    secretVariables: input.secretVariables,
    adminClientId: input.adminClientId,
    layout: input.layout,
  };
  return AUDIT_RULES.map((rule) => {
    const failures = rule.check(ctx);
    return { id: rule.id, title: rule.title, pass: failures.length === 0, failures, fix: rule.fix };
  });
}

async function discoveredIssuer(fetcher: typeof fetch, realmUrl: string): Promise<string | undefined> {
  const response = await fetcher(`${realmUrl}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return undefined;
  return ((await response.json()) as { issuer?: string }).issuer;
}

/** One line per rule (`PASS id  title` or `FAIL id  …` with each failing item and the fix). */
export function formatAudit(results: readonly AuditResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.pass ? 'PASS' : 'FAIL'} ${r.id.padEnd(34)} ${r.title}`);
    if (!r.pass) {
      for (const failure of r.failures) lines.push(`       - ${failure}`);
      lines.push(`       fix: ${r.fix}`);
    }
  }
  const failed = results.filter((r) => !r.pass).length;
  lines.push(
    failed === 0 ? `all ${results.length} checks pass` : `${failed} of ${results.length} checks fail`,
  );
  return lines.join('\n');
}
