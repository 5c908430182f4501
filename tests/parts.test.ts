/** How `npm start` launches each part (scripts/lib/parts.ts), checked without starting anything. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PORTS, generateSecrets, planParts } from '../scripts/lib/parts.ts';

const base = { ports: DEFAULT_PORTS, secrets: generateSecrets(), dataRoot: '/tmp/mockmart-data' };
const argsOf = (plan: Parameters<typeof planParts>[0]) =>
  new Map(planParts(plan).map((part) => [part.name, part.args]));

test('services on embedded PGlite run with --liftoff-only; those on PostgreSQL and the idp do not', () => {
  const embedded = argsOf(base);
  for (const service of ['gateway', 'shop-api', 'inventory', 'payment', 'notification'])
    assert.ok(embedded.get(service)?.includes('--liftoff-only'), service);
  assert.ok(!embedded.get('idp')?.includes('--liftoff-only'), 'the idp has no database');

  const mixed = argsOf({ ...base, databaseUrls: { payment: 'postgres://127.0.0.1:5432/mockmart_payment' } });
  assert.ok(!mixed.get('payment')?.includes('--liftoff-only'), 'payment is on PostgreSQL');
  assert.ok(mixed.get('inventory')?.includes('--liftoff-only'), 'inventory is still on PGlite');
});
