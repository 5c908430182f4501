import type { AuditRule } from './audit-context.ts';

const MIN_SECRET_LENGTH = 16;
/**
 * A word in a secret is the mark of a default someone typed (the original MockMart shipped three,
 * each with "secret" in it); a generated secret holds none of these.
 */
const KNOWN_DEFAULTS = /secret|change-?me|change-in-production|password|example|default|^admin$|^test$/i;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

export const environmentRules: AuditRule[] = [
  {
    id: 'configurable-issuer',
    title: "the realm's issuer is the configured public URL (https and not localhost in production)",
    fix: "set KEYCLOAK_PUBLIC_URL (and KEYCLOAK_RELATIVE_PATH) for every service, and Keycloak's --hostname to the same public URL",
    check: ({ env, issuer, live }) => {
      const publicUrl = env.KEYCLOAK_PUBLIC_URL?.replace(/\/+$/, '');
      if (!publicUrl) return ['KEYCLOAK_PUBLIC_URL is not set'];
      const failures: string[] = [];
      const expected = `${publicUrl}${(env.KEYCLOAK_RELATIVE_PATH ?? '').replace(/\/+$/, '')}/realms/${live.name}`;
      if (issuer !== expected)
        failures.push(`issuer is ${issuer ?? '(no discovery document)'}, services expect ${expected}`);
      if (env.NODE_ENV === 'production') {
        const url = URL.canParse(publicUrl) ? new URL(publicUrl) : undefined;
        if (url?.protocol !== 'https:')
          failures.push(`KEYCLOAK_PUBLIC_URL ${publicUrl} is not https in production`);
        if (!url || LOCAL_HOSTS.has(url.hostname))
          failures.push(`KEYCLOAK_PUBLIC_URL ${publicUrl} is a local address in production`);
      }
      return failures;
    },
  },
  {
    id: 'no-secret-defaults',
    title: `every client secret and the session key come from the environment (or *_FILE), ${MIN_SECRET_LENGTH}+ characters, no known default`,
    fix: 'generate each secret (e.g. openssl rand -base64 32) and pass it as NAME or NAME_FILE; never commit or default it',
    check: ({ env, secretVariables }) => {
      const failures: string[] = [];
      for (const name of [...new Set([...secretVariables.values(), 'GATEWAY_SESSION_KEY'])]) {
        const value = env[name];
        // Only the verdict is reported, never the value or a part of it.
        if (value === undefined || value === '') failures.push(`${name} is not set (nor ${name}_FILE)`);
        else if (value.length < MIN_SECRET_LENGTH)
          failures.push(`${name} is shorter than ${MIN_SECRET_LENGTH} characters`);
        else if (KNOWN_DEFAULTS.test(value) || /^\$\{.*\}$/.test(value))
          failures.push(`${name} is a known default or an unresolved placeholder`);
      }
      return failures;
    },
  },
];
