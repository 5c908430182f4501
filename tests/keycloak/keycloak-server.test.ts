/**
 * The Keycloak that the repository runs itself: the run's shared node serves discovery, a realm
 * imported through the Admin REST API stamps its public URL in `iss` whichever URL the token was
 * asked on, and start failures stop with the reason and leave nothing running.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { LOCAL_POSTGRES } from '@mockmart/service-kit/testing';
import { keycloakAdmin } from '../../scripts/lib/keycloak/admin.ts';
import { ensureKeycloakDatabase } from '../../scripts/lib/keycloak/database.ts';
import { ensureKeycloak } from '../../scripts/lib/keycloak/install.ts';
import { deleteRealm, importRealm } from '../../scripts/lib/keycloak/realm-import.ts';
import { startKeycloak } from '../../scripts/lib/keycloak/run.ts';
import { generateSecrets } from '@mockmart/devstack';
import { freePorts } from '../../scripts/lib/free-ports.ts';
import { identityProviders, sharedKeycloak } from '../support/identity-providers.ts';

const keycloakSide = identityProviders().find((provider) => provider.side === 'keycloak')!;

describe('the shared Keycloak of a test run', { skip: keycloakSide.skip, timeout: 300_000 }, () => {
  test('serves the master realm discovery under /auth', async () => {
    const { url } = sharedKeycloak()!;
    const response = await fetch(`${url}/auth/realms/master/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { issuer: string }).issuer, `${url}/auth/realms/master`);
  });

  test("an imported realm's tokens carry its public URL as iss, also when asked on the internal URL", async () => {
    const shared = sharedKeycloak()!;
    const admin = keycloakAdmin(shared.url, shared.admin);
    const secrets = generateSecrets();
    const realm = `server-test-${process.pid}`;
    await importRealm(admin, {
      realm,
      secrets,
      gatewayPublicUrl: 'http://localhost:1',
      devUsers: false,
      frontendUrl: 'http://localhost:1/auth',
    });
    try {
      const response = await fetch(`${shared.url}/auth/realms/${realm}/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'shop-api',
          client_secret: secrets.SHOP_API_CLIENT_SECRET,
          scope: 'payment-api',
        }),
      });
      assert.equal(response.status, 200, await response.clone().text());
      const claims = decodeJwt(((await response.json()) as { access_token: string }).access_token);
      assert.equal(claims.iss, `http://localhost:1/auth/realms/${realm}`);
      assert.equal(claims.aud, 'payment-service');
      const users = await admin.request<{ username: string }[]>('GET', `/${realm}/users?username=mario`);
      assert.deepEqual(users, [], 'development users stay out of a production import');
    } finally {
      await deleteRealm(admin, realm);
    }
  });
});

describe('Keycloak start failures', { timeout: 300_000 }, () => {
  const install = { home: '/nonexistent', java: { home: '/nonexistent', major: 25 }, built: false };
  const admin = { username: 'admin', password: 'unused-password-0123456789' };

  test('a port already in use is refused before Java starts, naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const [free] = await freePorts(1);
    try {
      await assert.rejects(
        startKeycloak({ install, httpPort: port, managementPort: free!, databaseUrl: LOCAL_POSTGRES, admin }),
        new RegExp(`HTTP port 127\\.0\\.0\\.1:${port} is already in use`),
      );
    } finally {
      blocker.close();
    }
  });

  test('an unreachable PostgreSQL is refused with the server (password hidden) and the reason', async () => {
    const [closed] = await freePorts(1);
    await assert.rejects(
      ensureKeycloakDatabase(`postgres://postgres:hunter2@127.0.0.1:${closed}/postgres`),
      (error: Error) =>
        /Keycloak needs PostgreSQL, and postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/.test(error.message) &&
        /ECONNREFUSED/.test(error.message) &&
        !error.message.includes('hunter2'),
    );
  });

  test(
    "a node that fails while starting is stopped with its log's last lines, and no process is left",
    { skip: keycloakSide.skip },
    async () => {
      const built = await ensureKeycloak();
      const [httpPort, managementPort] = await freePorts(2);
      let pid: number | undefined;
      await assert.rejects(
        startKeycloak(
          {
            install: built,
            httpPort: httpPort!,
            managementPort: managementPort!,
            // The server answers, the database does not exist: Keycloak itself fails.
            databaseUrl: 'postgres://postgres@127.0.0.1:5432/mockmart_no_such_database',
            admin,
          },
          { onLine: () => {}, readyTimeoutMs: 100_000 },
        ).then((node) => (pid = node.child.pid)),
        (error: Error) =>
          /keycloak exited before it was ready/.test(error.message) &&
          /--- last lines of keycloak ---/.test(error.message) &&
          /mockmart_no_such_database/.test(error.message),
      );
      assert.equal(pid, undefined);
      const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(`--http-port=${httpPort}`));
      assert.deepEqual(left, [], 'neither kc.sh nor its JVM is left running');
      for (const port of [httpPort!, managementPort!]) {
        const answered = await fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        );
        assert.equal(answered, false, `nothing listens on ${port} any more`);
      }
    },
  );
});
