/**
 * deploy/compose cannot run here (no Docker engine), so it is checked statically: every service
 * gets each variable its config schema requires, secrets only ever come from the environment,
 * and production settings hold (NODE_ENV from the image, https public URL required).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { TObject, TSchema } from '@sinclair/typebox';
import { isSecret } from '@mockmart/service-kit/config';
import { SERVICES } from '../scripts/lib/config-reference.ts';

const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('deploy/compose/docker-compose.yml', root), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
};

test('each service in compose gets every variable its config schema requires', async () => {
  for (const service of SERVICES) {
    const entry = compose.services[service];
    assert.ok(entry, `${service} is missing from docker-compose.yml`);
    const { configSchema } = (await import(`../services/${service}/src/config.ts`)) as {
      configSchema: TObject;
    };
    const required = (configSchema.required ?? []).filter(
      (name) => (configSchema.properties[name] as TSchema).default === undefined,
    );
    const missing = required.filter((name) => entry.environment?.[name] === undefined);
    assert.deepEqual(missing, [], `${service} lacks ${missing.join(', ')}`);
    assert.deepEqual(entry.command, [`services/${service}/src/server.ts`]);
  }
});

test('secrets in compose come only from the environment, never as literal values', async () => {
  for (const service of SERVICES) {
    const { configSchema } = (await import(`../services/${service}/src/config.ts`)) as {
      configSchema: TObject;
    };
    for (const [name, schema] of Object.entries(configSchema.properties as Record<string, TSchema>)) {
      const value = compose.services[service]?.environment?.[name];
      if (isSecret(schema) && value !== undefined)
        assert.match(value, /^\$\{[A-Z_]+(:\?[^}]*)?\}$/, `${service} ${name}`);
    }
  }
  for (const [name, entry] of Object.entries(compose.services)) {
    for (const [key, value] of Object.entries(entry.environment ?? {})) {
      if (/PASSWORD|SECRET|_KEY$/.test(key))
        assert.match(String(value), /\$\{/, `${name} ${key} is a literal`);
    }
  }
});

test('Keycloak imports only the production realm file and runs with a public https hostname', () => {
  const keycloak = compose.services.keycloak as unknown as {
    volumes: string[];
    environment: Record<string, string>;
  };
  assert.ok(keycloak.volumes.some((volume) => volume.includes('techstore-realm.json')));
  assert.ok(
    !keycloak.volumes.some((volume) => volume.includes('dev-users')),
    'development users stay out of production',
  );
  assert.match(keycloak.environment.KC_HOSTNAME!, /\$\{PUBLIC_URL\}/);
});
