import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { ConfigError, keycloakConfigSchema, loadConfig, secret, serviceConfigSchema } from './index.ts';

const schema = Type.Object({
  ...serviceConfigSchema('inventory', 3011).properties,
  ...keycloakConfigSchema.properties,
  KEYCLOAK_CLIENT_SECRET: secret('client secret of inventory-service'),
  FEATURE_ON: Type.Boolean({ default: false }),
});

const SECRET_VALUE = 'super-secret-value-0123456789';
const valid = {
  KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
  KEYCLOAK_CLIENT_SECRET: SECRET_VALUE,
  DATABASE_URL: 'postgres://127.0.0.1:5432/inventory',
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'KIT_CONFIG_INVALID');
    return error;
  }
  assert.fail('expected loadConfig to throw');
}

test('applies defaults, coerces numbers and booleans, and freezes the result', () => {
  const config = loadConfig(schema, { ...valid, PORT: '4000', FEATURE_ON: 'yes' });
  assert.equal(config.PORT, 4000);
  assert.equal(config.FEATURE_ON, true);
  assert.equal(config.HOST, '127.0.0.1');
  assert.equal(config.KEYCLOAK_REALM, 'techstore');
  assert.equal(config.DATABASE_URL, 'postgres://127.0.0.1:5432/inventory');
  assert.ok(Object.isFrozen(config));
  assert.throws(() => {
    (config as { PORT: number }).PORT = 1;
  }, TypeError);
  assert.equal(loadConfig(schema, { ...valid, FEATURE_ON: '0' }).FEATURE_ON, false);
});

test('names every bad or missing variable in one error', () => {
  const error = configError(() =>
    loadConfig(schema, {
      PORT: 'eighty',
      NODE_ENV: 'staging',
      FEATURE_ON: 'maybe',
      DATABASE_URL: 'mysql://db',
    }),
  );
  const names = [
    'PORT',
    'NODE_ENV',
    'FEATURE_ON',
    'DATABASE_URL',
    'KEYCLOAK_PUBLIC_URL',
    'KEYCLOAK_CLIENT_SECRET',
  ];
  assert.equal(error.problems.length, names.length, error.message);
  for (const name of names) {
    assert.ok(
      error.problems.some((problem) => problem.startsWith(name)),
      `${name} missing from:\n${error.message}`,
    );
    assert.match(error.message, new RegExp(`\\b${name}\\b`));
  }
  assert.match(
    error.message,
    /KEYCLOAK_CLIENT_SECRET is required.*Set KEYCLOAK_CLIENT_SECRET or KEYCLOAK_CLIENT_SECRET_FILE/,
  );
  assert.match(error.message, /PORT="eighty" is invalid/);
});

test('a secret given a default is refused before any variable is read', () => {
  assert.throws(
    () => secret('x', { default: 'known-to-everyone' } as { minLength?: number }),
    /a secret never has a default/,
  );
  // However the schema was built (spread, Type.Optional, a hand-written object), the default is refused,
  // even when the environment sets the variable and the default would never be used.
  for (const property of [
    { ...secret('client secret'), default: 'known-to-everyone-0123' },
    Type.Optional({ ...secret('client secret'), default: 'known-to-everyone-0123' }),
  ]) {
    const withDefault = Type.Object({ ...schema.properties, KEYCLOAK_CLIENT_SECRET: property });
    assert.throws(
      () => loadConfig(withDefault, valid),
      (error: unknown) =>
        error instanceof TypeError &&
        /secret KEYCLOAK_CLIENT_SECRET: secrets never have defaults/.test(error.message),
    );
  }
});

test("a secret's value never appears in the error", () => {
  const short = 'short-leak';
  const error = configError(() => loadConfig(schema, { ...valid, KEYCLOAK_CLIENT_SECRET: short }));
  assert.match(error.message, /KEYCLOAK_CLIENT_SECRET=\(secret value hidden\) is invalid/);
  assert.ok(!error.message.includes(short));
  assert.ok(!JSON.stringify(error.problems).includes(short));
});

test('reads a secret from NAME_FILE, trimmed, and reports an unreadable file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'client-secret');
  writeFileSync(file, `${SECRET_VALUE}\n`);
  const config = loadConfig(schema, {
    KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
    KEYCLOAK_CLIENT_SECRET_FILE: file,
    DATABASE_URL: valid.DATABASE_URL,
  });
  assert.equal(config.KEYCLOAK_CLIENT_SECRET, SECRET_VALUE);

  const missing = join(dir, 'nope');
  const error = configError(() =>
    loadConfig(schema, {
      KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
      KEYCLOAK_CLIENT_SECRET_FILE: missing,
      DATABASE_URL: valid.DATABASE_URL,
    }),
  );
  assert.ok(
    error.problems.some((p) => p.startsWith('KEYCLOAK_CLIENT_SECRET_FILE=') && p.includes('cannot be read')),
  );

  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked');
    writeFileSync(locked, SECRET_VALUE);
    chmodSync(locked, 0o000);
    const lockedError = configError(() =>
      loadConfig(schema, {
        KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
        KEYCLOAK_CLIENT_SECRET_FILE: locked,
      }),
    );
    assert.ok(!lockedError.message.includes(SECRET_VALUE));
    assert.match(lockedError.message, /cannot be read/);
  }
});

test('production refuses plain-http public URLs and accepts https', () => {
  const error = configError(() => loadConfig(schema, { ...valid, NODE_ENV: 'production' }));
  assert.equal(error.problems.length, 1);
  assert.match(error.problems[0] ?? '', /^KEYCLOAK_PUBLIC_URL="http:\/\/localhost:8080" is plain http/);

  const config = loadConfig(schema, {
    ...valid,
    NODE_ENV: 'production',
    KEYCLOAK_PUBLIC_URL: 'https://auth.example.com',
    // Internal URLs stay plain http inside the cluster: only the public ones are refused.
    KEYCLOAK_INTERNAL_URL: 'http://keycloak:8080',
  });
  assert.equal(config.KEYCLOAK_PUBLIC_URL, 'https://auth.example.com');
  assert.doesNotThrow(() => loadConfig(schema, { ...valid, NODE_ENV: 'development' }));
});
