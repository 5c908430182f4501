/**
 * One conformance area: both sides started once for the file, skipped (with the reason) where
 * the run has no Keycloak.
 */
import { after, before, describe } from 'node:test';
import { identityProviders } from '../../support/identity-providers.ts';
import { startSides, type Sides } from './sides.ts';

export function describeConformance(area: string, body: (sides: () => Sides) => void): void {
  const keycloak = identityProviders().find((provider) => provider.side === 'keycloak')!;
  describe(`the idp answers as Keycloak: ${area}`, { skip: keycloak.skip, timeout: 180_000 }, () => {
    let sides: Sides | undefined;
    before(async () => {
      sides = await startSides(area.replace(/\W+/g, '-'));
    });
    after(async () => {
      await sides?.stop();
    });
    body(() => sides!);
  });
}
