import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresLineWorthShowing } from '../scripts/lib/postgres-log.ts';

test("npm start shows PostgreSQL's errors, not Keycloak's first-start schema probes nor start-up answers", () => {
  const at = '2026-12-07 04:42:32.785 UTC [9049]';
  assert.equal(
    postgresLineWorthShowing(`${at} ERROR:  relation "migration_model" does not exist at character 25`),
    false,
  );
  assert.equal(
    postgresLineWorthShowing(
      `${at} ERROR:  relation "public.databasechangeloglock" does not exist at character 22`,
    ),
    false,
  );
  assert.equal(postgresLineWorthShowing(`${at} FATAL:  the database system is starting up`), false);
  assert.equal(
    postgresLineWorthShowing(`${at} ERROR:  relation "orders" does not exist at character 15`),
    true,
  );
  assert.equal(
    postgresLineWorthShowing(`${at} FATAL:  password authentication failed for user "postgres"`),
    true,
  );
  assert.equal(postgresLineWorthShowing(`${at} LOG:  database system is ready to accept connections`), false);
});
