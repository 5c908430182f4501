import pg from 'pg';

/** One database per service on one PostgreSQL server, created when missing. */
export async function ensureServiceDatabases(
  serverUrl: string,
  services: string[],
): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const service of services)
    urls[service] = await ensureDatabase(serverUrl, `mockmart_${service.replace('-', '_')}`);
  return urls;
}

/** Creates the database on the server behind serverUrl when it does not exist; returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
