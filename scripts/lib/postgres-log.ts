/**
 * Which lines of the embedded PostgreSQL's log npm start shows without --verbose: its errors, but
 * not the ones that are part of normal work — "starting up" answers to the readiness probe while
 * the server recovers, and the schema probes Keycloak's first start makes on its empty database
 * (Keycloak asks whether its tables exist by querying them; the answer is an ERROR line here).
 */
const EXPECTED = [
  /is starting up/,
  /ERROR: +relation "(public\.)?(migration_model|databasechangeloglock)" does not exist/,
];

export function postgresLineWorthShowing(line: string): boolean {
  return /FATAL|PANIC|ERROR/.test(line) && !EXPECTED.some((pattern) => pattern.test(line));
}
