/** How `npm start` launches each part (packages/devstack), checked without starting anything. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASE_SERVICES, DEFAULT_PORTS, generateSecrets, planParts } from './parts.ts';

const secrets = generateSecrets();
const databaseUrls = Object.fromEntries(
  DATABASE_SERVICES.map((service) => [service, `postgres://127.0.0.1:5433/mockmart_${service}`]),
) as Record<(typeof DATABASE_SERVICES)[number], string>;
const parts = new Map(
  planParts({ ports: DEFAULT_PORTS, secrets, dataRoot: '/tmp/mockmart-data', databaseUrls }).map((part) => [
    part.name,
    part,
  ]),
);

test('each service gets its own database as DATABASE_URL, as in production', () => {
  for (const service of DATABASE_SERVICES)
    assert.equal(parts.get(service)?.env.DATABASE_URL, databaseUrls[service], service);
});

test('the idp gets its clients’ secrets but neither a database nor its password', () => {
  const idp = parts.get('idp')!.env;
  assert.equal(idp.GATEWAY_CLIENT_SECRET, secrets.GATEWAY_CLIENT_SECRET);
  assert.equal(idp.DATABASE_URL, undefined);
  assert.ok(!Object.values(idp).includes(secrets.EMBEDDED_POSTGRES_PASSWORD));
});
