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
import {
  BUILD_OPTIONS,
  KEYCLOAK_VERSION,
  optionVariable,
  startArguments,
} from '../scripts/lib/keycloak/options.ts';
import { DEFAULT_HEAP } from '../scripts/lib/keycloak/run.ts';

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

test('compose runs the Keycloak version and the build and start options that npm start and the tests use', () => {
  const dockerfile = readFileSync(new URL('deploy/compose/keycloak.Dockerfile', root), 'utf8');
  const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
  assert.deepEqual(images, [
    `quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}`,
    `quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}`,
  ]);
  const built = Object.fromEntries(
    [...dockerfile.matchAll(/^ENV (KC_\w+)=(\S+)/gm)].map((match) => [match[1], match[2]]),
  );
  assert.deepEqual(
    built,
    Object.fromEntries(Object.entries(BUILD_OPTIONS).map(([name, value]) => [optionVariable(name), value])),
  );

  const keycloak = compose.services.keycloak as unknown as {
    command: string[];
    environment: Record<string, string>;
  };
  assert.deepEqual(keycloak.command.slice(0, 2), startArguments(sampleNode).slice(0, 2), 'start --optimized');
  // Every option of a local node that is not about this host (ports, database URL, log level) is
  // the same in compose, as a KC_* variable.
  const local = Object.fromEntries(
    startArguments({ ...sampleNode, publicUrl: 'https://shop.example.com/auth' })
      .slice(2)
      .map((flag) => flag.slice(2).split(/=(.*)/s) as [string, string])
      .filter(
        ([name]) => !/^(http-host|http-port|http-management-port|db-url|log-level|hostname)$/.test(name),
      ),
  );
  for (const [name, value] of Object.entries(local))
    assert.equal(keycloak.environment[optionVariable(name)], value, optionVariable(name));
  assert.equal(keycloak.environment.JAVA_OPTS_KC_HEAP, DEFAULT_HEAP);
  for (const name of Object.keys(BUILD_OPTIONS))
    assert.equal(
      keycloak.environment[optionVariable(name)],
      undefined,
      `${name} is built in, not set at start`,
    );
});

test('deploy/compose/.env.example names every variable compose requires, with placeholders only', () => {
  const text = readFileSync(new URL('deploy/compose/.env.example', root), 'utf8');
  const example = Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split(/=(.*)/s) as [string, string]),
  );
  const yaml = readFileSync(new URL('deploy/compose/docker-compose.yml', root), 'utf8');
  const required = new Set([...yaml.matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1]!));
  assert.deepEqual(
    [...required].filter((name) => !(name in example)),
    [],
  );
  for (const [name, value] of Object.entries(example))
    if (/PASSWORD|SECRET|_KEY$/.test(name)) assert.match(value, /^change-me/, `${name} is a placeholder`);
});

const sampleNode = {
  host: '127.0.0.1',
  httpPort: 8080,
  managementPort: 9000,
  jdbcUrl: 'jdbc:postgresql://postgres:5432/keycloak',
};
