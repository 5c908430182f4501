import type { BruteForceSettings } from '../realm/model.ts';

/**
 * Keycloak's brute-force detector (strategy MULTIPLE): after `failureFactor` consecutive failures
 * the user is locked for `waitIncrementSeconds × (failures / failureFactor)`, capped at
 * `maxFailureWaitSeconds`; failures closer together than `quickLoginCheckMilliSeconds` lock for
 * at least `minimumQuickLoginWaitSeconds`. A locked user is answered exactly like a wrong
 * password (as Keycloak does) — never 429 — so lockout leaks nothing.
 */
interface Record {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class BruteForceDetector {
  readonly #records = new Map<string, Record>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  isLocked(settings: BruteForceSettings, realm: string, userId: string): boolean {
    if (!settings.enabled) return false;
    const record = this.#records.get(`${realm}/${userId}`);
    if (!record) return false;
    if (settings.permanentLockout && record.failures >= settings.failureFactor) return true;
    return this.#now() < record.lockedUntil;
  }

  failure(settings: BruteForceSettings, realm: string, userId: string): void {
    if (!settings.enabled) return;
    const key = `${realm}/${userId}`;
    const now = this.#now();
    const record = this.#records.get(key) ?? { failures: 0, lastFailure: 0, lockedUntil: 0 };
    if (record.failures > 0 && now - record.lastFailure > settings.maxDeltaTimeSeconds * 1000)
      record.failures = 0;
    const quick = record.failures > 0 && now - record.lastFailure < settings.quickLoginCheckMilliSeconds;
    record.failures += 1;
    record.lastFailure = now;
    let waitSeconds = 0;
    if (record.failures >= settings.failureFactor) {
      waitSeconds = Math.min(
        settings.waitIncrementSeconds * Math.floor(record.failures / settings.failureFactor),
        settings.maxFailureWaitSeconds,
      );
    }
    if (quick) waitSeconds = Math.max(waitSeconds, settings.minimumQuickLoginWaitSeconds);
    if (waitSeconds > 0) record.lockedUntil = Math.max(record.lockedUntil, now + waitSeconds * 1000);
    this.#records.set(key, record);
  }

  success(realm: string, userId: string): void {
    this.#records.delete(`${realm}/${userId}`);
  }
}
