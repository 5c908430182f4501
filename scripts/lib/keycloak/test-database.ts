/**
 * Keycloak's database for a test run: a copy of a template database on the local PostgreSQL that
 * already holds Keycloak's schema and master realm. Creating those takes Keycloak 60–110 s on
 * two busy cores; `CREATE DATABASE … TEMPLATE` copies them in about a second. The template is made
 * once per Keycloak build (its name carries the distribution key) by starting Keycloak on it once;
 * its bootstrap admin's password is kept in a table of the template, beside the data it unlocks.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePorts } from '../ports.ts';
import { withLock, type KeycloakInstall } from './install.ts';
import { distributionKey } from './options.ts';
import { startKeycloak, type KeycloakAdminCredentials } from './run.ts';

export interface KeycloakTestDatabase {
  url: string;
  admin: KeycloakAdminCredentials;
  drop(): Promise<void>;
}

const ADMIN_TABLE = 'mockmart_test_admin';

export async function keycloakTestDatabase(
  serverUrl: string,
  install: KeycloakInstall,
  log: (line: string) => void,
): Promise<KeycloakTestDatabase | undefined> {
  const server = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  try {
    await server.connect();
  } catch {
    return undefined;
  }
  const template = `mockmart_keycloak_${distributionKey().replace(/\W/g, '_')}`;
  try {
    let admin = await readTemplateAdmin(serverUrl, template);
    if (!admin)
      admin = await withLock(`${install.home}.template.lock`, log, async () => {
        return (
          (await readTemplateAdmin(serverUrl, template)) ??
          (await createTemplate(server, serverUrl, template, install, log))
        );
      });
    const name = `mockmart_test_kc_${randomBytes(6).toString('hex')}`;
    await server.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    return {
      url: databaseUrl(serverUrl, name),
      admin,
      async drop() {
        const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  } finally {
    await server.end();
  }
}

async function readTemplateAdmin(serverUrl: string, template: string) {
  const client = new pg.Client({
    connectionString: databaseUrl(serverUrl, template),
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
  } catch (error) {
    // Only a missing database means "no template yet"; anything else (a slow server) is an error.
    if ((error as { code?: string }).code === '3D000') return undefined;
    throw error;
  }
  try {
    const { rows } = await client.query<KeycloakAdminCredentials>(
      `SELECT username, password FROM ${ADMIN_TABLE}`,
    );
    return rows[0];
  } catch {
    return undefined; // a template whose first start did not finish
  } finally {
    await client.end();
  }
}

async function createTemplate(
  server: pg.Client,
  serverUrl: string,
  template: string,
  install: KeycloakInstall,
  log: (line: string) => void,
): Promise<KeycloakAdminCredentials> {
  log(`Creating Keycloak's template database ${template} (once per Keycloak build)…`);
  await server.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await server.query(`CREATE DATABASE ${template}`);
  const admin = { username: 'test-admin', password: randomBytes(24).toString('base64url') };
  const [httpPort, managementPort] = await freePorts(2);
  const node = await startKeycloak({
    install,
    httpPort: httpPort!,
    managementPort: managementPort!,
    databaseUrl: databaseUrl(serverUrl, template),
    admin,
  });
  await node.stop();
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, template) });
  await client.connect();
  try {
    await client.query(`CREATE TABLE ${ADMIN_TABLE} (username text NOT NULL, password text NOT NULL)`);
    await client.query(`INSERT INTO ${ADMIN_TABLE} VALUES ($1, $2)`, [admin.username, admin.password]);
  } finally {
    await client.end();
  }
  return admin;
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
