import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadServiceConfig } from './config.ts';

const base = {
  NODE_ENV: 'test',
  KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
  KEYCLOAK_CLIENT_SECRET: 'config-test-secret-0123456789',
  DATABASE_URL: 'postgres://127.0.0.1:5432/shop',
};

test('defaults load: recovery waits well past a live checkout', () => {
  const config = loadServiceConfig(base);
  assert.ok(config.RECOVERY_STUCK_AFTER_MS > config.CHECKOUT_DEADLINE_MS + config.DOWNSTREAM_TIMEOUT_MS);
});

test('RECOVERY_STUCK_AFTER_MS not above CHECKOUT_DEADLINE_MS + DOWNSTREAM_TIMEOUT_MS is refused at load, naming all three', () => {
  for (const stuck of ['1000', '13000']) {
    assert.throws(
      () =>
        loadServiceConfig({
          ...base,
          CHECKOUT_DEADLINE_MS: '10000',
          DOWNSTREAM_TIMEOUT_MS: '3000',
          RECOVERY_STUCK_AFTER_MS: stuck,
        }),
      (error: Error & { code?: string; problems?: string[] }) => {
        assert.equal(error.code, 'KIT_CONFIG_INVALID');
        assert.match(
          error.problems?.[0] ?? '',
          /RECOVERY_STUCK_AFTER_MS=\d+ must be greater than CHECKOUT_DEADLINE_MS \+ DOWNSTREAM_TIMEOUT_MS \(10000 \+ 3000 = 13000\)/,
        );
        return true;
      },
      `RECOVERY_STUCK_AFTER_MS=${stuck}`,
    );
  }
});

test('a short recovery threshold is fine with a checkout deadline shorter still', () => {
  const config = loadServiceConfig({
    ...base,
    CHECKOUT_DEADLINE_MS: '500',
    DOWNSTREAM_TIMEOUT_MS: '250',
    RECOVERY_STUCK_AFTER_MS: '1000',
  });
  assert.equal(config.RECOVERY_STUCK_AFTER_MS, 1000);
});
