import { IdpError } from '../errors.ts';

/**
 * Keycloak's `--import-realm` replaces `${ENV_VAR}` with the environment variable's value.
 * Lower-case keys such as `${role_offline-access}` or `${client_account}` are i18n message keys
 * and must survive unchanged, so only UPPER_SNAKE names are treated as variables. Unlike
 * Keycloak (which leaves an unresolved variable as literal text, silently), the idp refuses to
 * start and names every missing variable: a literal "${GATEWAY_CLIENT_SECRET}" secret is a bug.
 */
const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)\}/g;

export function substitutePlaceholders(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  source: string,
): string {
  const missing = new Set<string>();
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      missing.add(name);
      return whole;
    }
    // The value lands inside a JSON string literal: escape it as JSON would.
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new IdpError(
      'IDP_REALM_ENV_MISSING',
      `${source} needs ${[...missing].map((m) => `\${${m}}`).join(', ')}: set ${[...missing].join(', ')} ` +
        `in the environment (or in the env option of startIdp)`,
    );
  }
  return out;
}
