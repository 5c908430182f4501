import pg from 'pg';

/** One database per service on one PostgreSQL server, created when missing. */
export async function ensureServiceDatabases(
  serverUrl: string,
  services: string[],
): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const urls: Record<string, string> = {};
    for (const service of services) {
      const name = `mockmart_${service.replace('-', '_')}`;
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      urls[service] = url.toString();
    }
    return urls;
  } finally {
    await client.end();
  }
}
