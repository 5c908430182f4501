import type { AuditRule } from './audit-context.ts';

/** Upper bounds of the realm's lifespans, in seconds (the shipped realm sits at or under each). */
export const LIFESPAN_BOUNDS = {
  accessTokenLifespan: 900,
  accessCodeLifespan: 300,
  ssoSessionIdleTimeout: 3600,
  ssoSessionMaxLifespan: 43200,
} as const;
const MAX_FAILURE_FACTOR = 10;

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export const realmRules: AuditRule[] = [
  {
    id: 'ssl-required',
    title: 'sslRequired is "external" or "all"',
    fix: 'set the realm\'s sslRequired to "external" (or "all"); "none" lets tokens and passwords travel over plain http',
    check: ({ live }) => {
      const value = live.settings.sslRequired;
      return value === 'external' || value === 'all'
        ? []
        : [`realm ${live.name}: sslRequired is ${JSON.stringify(value)}`];
    },
  },
  {
    id: 'brute-force',
    title: `brute-force protection is on (at most ${MAX_FAILURE_FACTOR} failures before a lockout)`,
    fix: `set bruteForceProtected: true and failureFactor ≤ ${MAX_FAILURE_FACTOR}`,
    check: ({ live }) => {
      const failures: string[] = [];
      if (live.settings.bruteForceProtected !== true)
        failures.push(`realm ${live.name}: bruteForceProtected is off`);
      const factor = num(live.settings.failureFactor);
      if (factor === undefined || factor > MAX_FAILURE_FACTOR)
        failures.push(`realm ${live.name}: failureFactor is ${factor}`);
      return failures;
    },
  },
  {
    id: 'lifespans',
    title: 'token and session lifespans are within bounds',
    fix: `keep ${Object.entries(LIFESPAN_BOUNDS)
      .map(([k, v]) => `${k} ≤ ${v}`)
      .join(', ')} and client access.token.lifespan ≤ ${LIFESPAN_BOUNDS.accessTokenLifespan}`,
    check: ({ live }) => {
      const failures: string[] = [];
      for (const [setting, bound] of Object.entries(LIFESPAN_BOUNDS)) {
        const value = num(live.settings[setting]);
        // 0 means "no limit" for Keycloak's session settings.
        if (value === undefined || value === 0 || value > bound)
          failures.push(`realm ${live.name}: ${setting} is ${value}`);
      }
      for (const client of live.clients.values()) {
        const value = Number(
          ((client.settings.attributes ?? {}) as Record<string, string>)['access.token.lifespan'] ?? 0,
        );
        if (value > LIFESPAN_BOUNDS.accessTokenLifespan)
          failures.push(`client ${client.clientId}: access.token.lifespan is ${value}`);
      }
      return failures;
    },
  },
];
