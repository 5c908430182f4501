/**
 * The two identity providers every cross-service and browser suite runs against: the embedded
 * idp and real Keycloak (the one scripts/test.ts starts for the whole run and hands over in the
 * environment). A suite declares its cases once and wraps them:
 *
 *   for (const provider of identityProviders())
 *     describe(`checkout on ${provider.label}`, { skip: provider.skip }, () => { … });
 */
import { describe } from 'node:test';
import { SHARED_KEYCLOAK_ENV } from '../../scripts/lib/keycloak/shared-for-tests.ts';
import { KEYCLOAK_VERSION } from '../../scripts/lib/keycloak/options.ts';
import type { KeycloakAdminCredentials } from '../../scripts/lib/keycloak/run.ts';

export type IdentitySide = 'idp' | 'keycloak';

export interface IdentityProvider {
  side: IdentitySide;
  label: string;
  /** Why this side does not run here (node:test's `skip`), or false. */
  skip: string | false;
}

/** MOCKMART_IDENTITY=idp or =keycloak runs one side only (while working on it). */
export function identityProviders(): IdentityProvider[] {
  const only = process.env.MOCKMART_IDENTITY;
  const chosen = (side: IdentitySide) => (only && only !== side ? `MOCKMART_IDENTITY=${only}` : false);
  return [
    { side: 'idp', label: 'the embedded idp', skip: chosen('idp') },
    {
      side: 'keycloak',
      label: `Keycloak ${KEYCLOAK_VERSION}`,
      skip: chosen('keycloak') || keycloakSkipReason(),
    },
  ];
}

/** The shared Keycloak of this run, or undefined when the Keycloak side is skipped. */
export function sharedKeycloak(): { url: string; admin: KeycloakAdminCredentials } | undefined {
  const url = process.env[SHARED_KEYCLOAK_ENV.url];
  if (!url) return undefined;
  return {
    url,
    admin: {
      username: process.env[SHARED_KEYCLOAK_ENV.adminUsername] ?? '',
      password: process.env[SHARED_KEYCLOAK_ENV.adminPassword] ?? '',
    },
  };
}

function keycloakSkipReason(): string | false {
  if (sharedKeycloak()) return false;
  const skipped = process.env[SHARED_KEYCLOAK_ENV.skipped];
  return skipped
    ? `Keycloak side skipped: ${skipped}`
    : 'no shared Keycloak: run the suite through `node scripts/test.ts <file>`, which starts one';
}

/**
 * `describe` once per identity provider, the body declared once: `name on <provider>`, skipped
 * (with the reason) where the provider does not run.
 */
export function describeOnEachIdentity(
  name: string,
  options: { timeout?: number; skip?: string | false },
  body: (provider: IdentityProvider) => void,
): void {
  for (const provider of identityProviders())
    describe(`${name} on ${provider.label}`, { ...options, skip: options.skip || provider.skip }, () =>
      body(provider),
    );
}
