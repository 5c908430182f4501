import type { Realm } from '../realm/model.ts';
import type { KeyStore } from './key-store.ts';

/** Clock skew verifiers commonly allow; old keys stay published this much longer. */
const SKEW_SECONDS = 60;

/**
 * Rotates a realm's keys. The old RSA key stays in the JWKS for the longest access/ID token
 * lifetime of the realm (realm lifespan or any client's `access.token.lifespan`) plus skew;
 * the old HMAC key keeps verifying refresh tokens for the longest session lifetime.
 */
export function rotateRealmKeys(keys: KeyStore, realm: Realm): Promise<{ kid: string }> {
  const lifespans = [
    realm.settings.accessTokenLifespan,
    ...[...realm.clients.values()].map((c) => Number(c.attributes['access.token.lifespan']) || 0),
  ];
  const s = realm.settings;
  const sessionMax = Math.max(
    s.ssoSessionMaxLifespan,
    s.offlineSessionMaxLifespanEnabled ? s.offlineSessionMaxLifespan : s.offlineSessionIdleTimeout,
  );
  return keys.rotate(realm.name, Math.max(...lifespans) + SKEW_SECONDS, sessionMax + SKEW_SECONDS);
}
