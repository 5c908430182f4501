import pg from 'pg';

/** The local PostgreSQL of a development machine and of CI (trust authentication). */
export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Keycloak's own database on a PostgreSQL server (never its dev-file H2): created when missing.
 * Throws with the server's reason when it cannot be reached.
 */
export async function ensureKeycloakDatabase(serverUrl: string, name = 'keycloak'): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Keycloak needs PostgreSQL, and ${redacted(serverUrl)} cannot be reached (${(error as Error).message}): ` +
        'start PostgreSQL or set DATABASE_URL to a server you can reach',
      { cause: error },
    );
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A PostgreSQL URL as JDBC wants it: user and password travel apart (KC_DB_USERNAME/PASSWORD). */
export function jdbcConnection(databaseUrl: string): { jdbcUrl: string; username: string; password: string } {
  const url = new URL(databaseUrl);
  return {
    jdbcUrl: `jdbc:postgresql://${url.hostname}:${url.port || 5432}${url.pathname}`,
    username: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
  };
}

export function redacted(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
