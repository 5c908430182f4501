/**
 * One conformance area: both sides started once for the file, skipped (with the reason) where
 * the run has no Keycloak. Its last test fails on allow-list entries that the area's cases no
 * longer need.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { identityProviders } from '../../support/identity-providers.ts';
import { staleEntries } from './compare.ts';
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
    // Declared last, so it runs after every case of the area (node:test runs a suite's tests in order).
    test('every allow-list entry for these cases still matches a difference', () => {
      const stale = staleEntries();
      assert.deepEqual(
        stale.map((entry) => entry.where),
        [],
        'remove these entries from tests/conformance/allowed-differences.ts and packages/idp/README.md: ' +
          'their cases ran and showed no such difference',
      );
    });
  });
}
