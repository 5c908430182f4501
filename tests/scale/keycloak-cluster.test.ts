/**
 * Keycloak clustered as an operator runs it on one machine: two Keycloak nodes on one PostgreSQL
 * database, in one cluster through Keycloak 26's own distributed caches (`cache=ispn`, whose
 * default stack discovers members through that database), behind nginx; the shop (idp side:
 * Keycloak) reaches Keycloak only through the balancer. One node is killed: users who signed in
 * stay signed in, refresh works and tokens verify.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from '@mockmart/gateway/testing';
import { LOCAL_POSTGRES } from '../../scripts/lib/keycloak/database.ts';
import {
  ensureKeycloak,
  KeycloakUnavailable,
  type KeycloakInstall,
} from '../../scripts/lib/keycloak/install.ts';
import { keycloakPart } from '../../scripts/lib/keycloak/run.ts';
import { keycloakTestDatabase, type KeycloakTestDatabase } from '../../scripts/lib/keycloak/test-database.ts';
import { freePorts } from '../../scripts/lib/free-ports.ts';
import { startPart, type RunningPart } from '../../scripts/lib/processes.ts';
import { NGINX, startBalancer, type Balancer } from '../support/balancer.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { eventually } from '../system/support/poll.ts';

const REFRESH_AHEAD_SECONDS = 295;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Keycloak's distribution (built once per machine), or why this suite cannot run here. */
async function keycloakInstall(): Promise<KeycloakInstall | string> {
  try {
    return await ensureKeycloak({ log });
  } catch (error) {
    if (error instanceof KeycloakUnavailable && process.env.CI !== 'true') return error.message;
    throw error;
  }
}
const install = await keycloakInstall();

describe(
  'Keycloak cluster: two nodes on one database behind nginx, one killed',
  { skip: typeof install === 'string' ? install : false, timeout: 900_000 },
  () => {
    let dir: string;
    let database: KeycloakTestDatabase | undefined;
    const nodes: RunningPart[] = [];
    const lines: string[] = [];
    let balancer: Balancer;
    let system: TestSystem;

    before(
      async () => {
        assert.ok(existsSync(NGINX), `needs Debian's nginx at ${NGINX} (.ci/run installs it)`);
        assert.ok(typeof install !== 'string');
        dir = await mkdtemp(join(tmpdir(), 'mockmart-keycloak-cluster-'));
        database = await keycloakTestDatabase(LOCAL_POSTGRES, install, log);
        assert.ok(database, `needs the local PostgreSQL (${LOCAL_POSTGRES})`);
        const [http1, management1, http2, management2, front] = await freePorts(5);
        const nodePorts: Array<[number, number]> = [
          [http1!, management1!],
          [http2!, management2!],
        ];
        for (const [index, [httpPort, managementPort]] of nodePorts.entries()) {
          const spec = keycloakPart({
            name: `keycloak-${index + 1}`,
            install,
            httpPort,
            managementPort,
            databaseUrl: database.url,
            admin: database.admin,
            cache: 'ispn',
          });
          // Both nodes on one machine: the cluster transport on loopback, each on its own port.
          spec.env.JAVA_OPTS_APPEND = `-Djgroups.bind.address=127.0.0.1 -Djgroups.bind.port=${7800 + index * 100}`;
          nodes.push(await startPart(spec, { onLine: (part, line) => lines.push(`${part} | ${line}`) }));
        }
        balancer = await startBalancer({
          dir: join(dir, 'balancer'),
          port: front!,
          upstreams: [http1!, http2!],
        });
        system = await startTestSystem({
          identity: 'keycloak',
          keycloak: { url: `http://127.0.0.1:${front}`, admin: database.admin },
          extraEnv: {
            gateway: { TOKEN_REFRESH_AHEAD_SECONDS: String(REFRESH_AHEAD_SECONDS), LOG_LEVEL: 'debug' },
          },
        });
        // Two Keycloak starts take minutes on two busy cores.
      },
      { timeout: 840_000 },
    );
    after(async () => {
      await system?.stop();
      await balancer?.stop();
      for (const node of nodes) await node.stop();
      await database?.drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    /** Refreshes the gateway made (its debug line per stored refresh). */
    const refreshes = () => system.logs('gateway').split('access token refreshed').length - 1;

    test('the two nodes form one cluster', async () => {
      await eventually(
        'a cluster view with both nodes',
        async () => (lines.some((line) => /ISPN000094.*\(2\)/.test(line)) ? true : undefined),
        { timeoutMs: 60_000 },
      ).catch((error: Error) => {
        error.message += `\n${lines
          .filter((line) => /ISPN|JGRP|cluster/i.test(line))
          .slice(-20)
          .join('\n')}`;
        throw error;
      });
    });

    test('one node killed: the signed-in user stays signed in, the refresh works and tokens verify', async (t) => {
      const browser = new Browser(system.gatewayUrl);
      await browser.login('mario', 'mario123');
      assert.equal((await browser.request('/api/orders')).status, 200);
      const before = refreshes();
      const signedInAt = Date.now();

      const victim = nodes[0]!;
      process.kill(-victim.child.pid!, 'SIGKILL'); // kc.sh and its JVM
      await victim.exited;

      assert.equal((await browser.json<{ authenticated: boolean }>('/bff/user')).body.authenticated, true);
      assert.equal((await browser.request('/api/orders')).status, 200, 'the access token still verifies');
      // Due for refresh 5 s after it was issued: the gateway refreshes through the surviving node.
      await new Promise((resolve) =>
        setTimeout(
          resolve,
          Math.max(0, signedInAt + (300 - REFRESH_AHEAD_SECONDS) * 1000 + 500 - Date.now()),
        ),
      );
      const statuses: number[] = [];
      await eventually(
        'a refresh by the surviving node',
        async () => {
          statuses.push((await browser.request('/api/orders')).status);
          return refreshes() > before ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      statuses.push((await browser.request('/api/orders')).status);
      assert.deepEqual([...new Set(statuses)], [200], 'refreshed and verified, never signed out');
      const token = await system.userToken('luigi', 'luigi123');
      const verified = await fetch(`${system.urls.shopApi}/api/orders`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(verified.status, 200, 'a token the surviving node issues verifies at shop-api');
      const fresh = new Browser(system.gatewayUrl);
      assert.equal((await fresh.login('luigi', 'luigi123')).status, 302, 'a new sign-in works');
      t.diagnostic(`${statuses.length} calls after the kill, all 200`);
    });
  },
);
