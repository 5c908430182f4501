import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { loadIdpConfig } from './config.ts';
import { IdpError } from './errors.ts';
import { pino } from 'pino';
import { PASSWORD_HASH_FILE } from './start-idp.ts';
import {
  basic,
  oidcUrl,
  postForm,
  REALM_FILE,
  SECRETS,
  startTestIdp,
  TEST_HASHING,
} from './testing/index.ts';

const cc = (idp: Awaited<ReturnType<typeof startTestIdp>>) =>
  postForm(
    oidcUrl(idp, 'token'),
    { grant_type: 'client_credentials', scope: 'inventory-api' },
    basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET),
  );

/** For refusal tests: an idp that starts after all is closed at once, so the test fails instead of hanging. */
const startedAndClosed = async (extra: Parameters<typeof startTestIdp>[0]) => {
  const idp = await startTestIdp(extra);
  await idp.close();
  return idp;
};

describe('startIdp: keys, rotation, production refusal, stats', { timeout: 30_000 }, () => {
  test('signing keys persist in the data folder: a token survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idp-keys-'));
    try {
      const first = await startTestIdp({ dataDir: dir });
      const token = (await cc(first)).body.access_token as string;
      await first.close();
      assert.equal((await stat(join(dir, 'keys.json'))).mode & 0o777, 0o600);
      const second = await startTestIdp({ dataDir: dir });
      const jwks = createRemoteJWKSet(new URL(oidcUrl(second, 'certs')));
      await jwtVerify(token, jwks, { issuer: second.issuer('techstore'), audience: 'inventory-service' });
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('close() does not wait for a connection a client opened and never sent a request on', async () => {
    const idp = await startTestIdp({});
    const { port, hostname } = new URL(idp.url);
    const unused = connect(Number(port), hostname);
    await new Promise((resolve) => unused.once('connect', resolve));
    const closedAt = performance.now();
    try {
      await idp.close();
    } finally {
      unused.destroy();
    }
    assert.ok(
      performance.now() - closedAt < 2000,
      `close took ${Math.round(performance.now() - closedAt)} ms`,
    );
  });

  test('rotation keeps the old key published until its tokens expire', async () => {
    let now = Date.now();
    const idp = await startTestIdp({ now: () => now });
    try {
      const before = (await cc(idp)).body.access_token as string;
      await idp.rotateKeys();
      const after = (await cc(idp)).body.access_token as string;
      const kid = (t: string) =>
        JSON.parse(Buffer.from(t.split('.')[0] as string, 'base64url').toString()).kid as string;
      assert.notEqual(kid(before), kid(after));
      const jwks = async () =>
        ((await (await fetch(oidcUrl(idp, 'certs'))).json()) as { keys: { kid: string; use: string }[] })
          .keys;
      assert.deepEqual(
        (await jwks()).map((k) => k.kid),
        [kid(after), kid(before)],
      );
      now += 361_000; // 300 s token lifespan + 60 s skew
      assert.deepEqual(
        (await jwks()).map((k) => k.kid),
        [kid(after)],
      );
    } finally {
      await idp.close();
    }
  });

  test('token requests are counted per client, grant and scope, from the outside', async () => {
    const idp = await startTestIdp();
    try {
      await cc(idp);
      await cc(idp);
      await postForm(oidcUrl(idp, 'token'), { grant_type: 'client_credentials' }, basic('shop-api', 'wrong'));
      const stats = (await (await fetch(`${idp.baseUrl}/idp-admin/stats`)).json()) as {
        tokenRequests: {
          clientId: string;
          grantType: string;
          scope: string;
          requests: number;
          succeeded: number;
        }[];
      };
      const entries = stats.tokenRequests.filter(
        (e) => e.clientId === 'shop-api' && e.grantType === 'client_credentials',
      );
      assert.deepEqual(
        {
          requests: entries.reduce((sum, e) => sum + e.requests, 0),
          succeeded: entries.reduce((sum, e) => sum + e.succeeded, 0),
        },
        { requests: 3, succeeded: 2 },
      );
      assert.ok(entries.every((e) => typeof e.scope === 'string'));
      assert.equal((await fetch(`${idp.baseUrl}/idp-admin/stats/reset`, { method: 'POST' })).status, 204);
      assert.deepEqual(idp.stats().tokenRequests, []);
    } finally {
      await idp.close();
    }
  });

  test('unauthenticated token requests cannot grow the stats without bound (client ids and scopes as sent)', async () => {
    const idp = await startTestIdp();
    try {
      for (let i = 0; i < 40; i++) {
        await postForm(oidcUrl(idp, 'token'), {
          grant_type: 'client_credentials',
          client_id: `nobody-${i}-${'x'.repeat(1000)}`,
          client_secret: 'guess',
        });
        await postForm(
          oidcUrl(idp, 'token'),
          { grant_type: 'client_credentials', scope: `junk-${i}-${'y'.repeat(1000)}` },
          basic('shop-api', 'wrong'),
        );
      }
      const rows = idp.stats().tokenRequests;
      assert.ok(rows.length <= 2, `${rows.length} rows kept for 80 junk requests`);
      assert.ok(JSON.stringify(rows).length < 1000, 'no attacker-sized strings retained');
      assert.equal(
        rows.reduce((sum, e) => sum + e.requests, 0),
        80,
        'every request is still counted',
      );
    } finally {
      await idp.close();
    }
  });

  test('refuses NODE_ENV=production unless IDP_ALLOW_PRODUCTION=true, and says why', () => {
    assert.throws(
      () => loadIdpConfig({ NODE_ENV: 'production' }, '/'),
      (err: unknown) => {
        assert.ok(err instanceof IdpError);
        assert.equal(err.code, 'IDP_PRODUCTION_REFUSED');
        assert.match(err.message, /IDP_ALLOW_PRODUCTION=true/);
        return true;
      },
    );
    const config = loadIdpConfig(
      { NODE_ENV: 'production', IDP_ALLOW_PRODUCTION: 'true', IDP_PUBLIC_URL: 'https://shop.example' },
      '/repo',
    );
    assert.deepEqual(
      config.realmFiles,
      ['/repo/deploy/keycloak/techstore-realm.json'],
      'no dev users in production',
    );
    const dev = loadIdpConfig({}, '/repo');
    assert.deepEqual(dev.realmFiles, [
      '/repo/deploy/keycloak/techstore-realm.json',
      '/repo/deploy/keycloak/dev-users.json',
    ]);
  });

  test('production refuses dev-users.json in IDP_REALM_FILES, and says why', () => {
    assert.throws(
      () =>
        loadIdpConfig(
          {
            NODE_ENV: 'production',
            IDP_ALLOW_PRODUCTION: 'true',
            IDP_PUBLIC_URL: 'https://shop.example',
            IDP_REALM_FILES: 'deploy/keycloak/techstore-realm.json,deploy/keycloak/dev-users.json',
          },
          '/repo',
        ),
      (err: unknown) => {
        assert.ok(err instanceof IdpError);
        assert.equal(err.code, 'IDP_CONFIG_INVALID');
        assert.match(err.message, /dev-users\.json under NODE_ENV=production/);
        return true;
      },
    );
  });

  test('production refuses a public client with direct access grants, whatever file brings it', async () => {
    const cli = {
      realm: 'techstore',
      clients: [{ clientId: 'my-cli', publicClient: true, directAccessGrantsEnabled: true }],
    };
    await assert.rejects(
      startedAndClosed({
        production: true,
        publicUrl: 'https://shop.example',
        realmFiles: [REALM_FILE],
        realms: [cli],
      }),
      (err: unknown) => {
        assert.ok(err instanceof IdpError);
        assert.equal(err.code, 'IDP_PRODUCTION_REFUSED');
        assert.match(err.message, /client my-cli is public with direct access grants/);
        return true;
      },
    );
    const idp = await startTestIdp({
      production: true,
      publicUrl: 'https://shop.example',
      realmFiles: [REALM_FILE],
    });
    await idp.close();
  });

  test('production mode refuses an http issuer', async () => {
    await assert.rejects(startedAndClosed({ production: true, realmFiles: [REALM_FILE] }), /not https/);
  });

  test('rotation over HTTP requires a master administrator', async () => {
    const idp = await startTestIdp();
    try {
      const res = await fetch(`${idp.baseUrl}/idp-admin/realms/techstore/rotate-keys`, { method: 'POST' });
      assert.equal(res.status, 403);
    } finally {
      await idp.close();
    }
  });
});

describe('startIdp: imported passwords across restarts', { timeout: 30_000 }, () => {
  /** Starts the idp on `dir` and waits for its background hashing: how many hashes it made. */
  async function startAndHash(dir: string, extra: Parameters<typeof startTestIdp>[0] = {}) {
    let hashed: number | undefined;
    const logger = pino(
      { level: 'info' },
      {
        write(line: string) {
          const entry = JSON.parse(line) as { msg?: string; hashed?: number };
          if (entry.msg === 'imported passwords hashed') hashed = entry.hashed;
        },
      },
    );
    const idp = await startTestIdp({ dataDir: dir, logger, ...extra });
    const deadline = Date.now() + 10_000;
    while (hashed === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return { idp, hashed };
  }
  const login = (idp: Awaited<ReturnType<typeof startTestIdp>>, password: string) =>
    postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'mario',
      password,
    });

  test('a restart reuses the hashes of the data folder; other scrypt parameters hash anew', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idp-hashes-'));
    try {
      const first = await startAndHash(dir);
      await first.idp.close();
      // The development users and the dummy hash unknown users are checked against.
      assert.ok(first.hashed! >= 2, `first start hashed ${first.hashed}`);
      assert.equal((await stat(join(dir, PASSWORD_HASH_FILE))).mode & 0o777, 0o600);

      const second = await startAndHash(dir);
      try {
        assert.equal(second.hashed, 0);
        assert.equal((await login(second.idp, 'mario123')).status, 200);
        assert.equal((await login(second.idp, 'wrong')).status, 400);
      } finally {
        await second.idp.close();
      }

      const costlier = await startAndHash(dir, { passwordHashing: { ...TEST_HASHING, N: 2048 } });
      try {
        assert.equal(costlier.hashed, first.hashed);
        assert.equal((await login(costlier.idp, 'mario123')).status, 200);
      } finally {
        await costlier.idp.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('close() leaves the data folder alone: hashing still running stops and its file is written first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idp-close-'));
    // A cost at which hashing the imported users takes a while: close() lands in the middle.
    const idp = await startTestIdp({ dataDir: dir, passwordHashing: { ...TEST_HASHING, N: 16384 } });
    await idp.close();
    await rm(dir, { recursive: true }); // failed with ENOTEMPTY while a hash file was being written
    await new Promise((resolve) => setTimeout(resolve, 500));
    await assert.rejects(stat(dir), { code: 'ENOENT' }, 'nothing wrote into the folder after close');
  });

  test('production keeps no file of password hashes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idp-hashes-'));
    try {
      const { idp, hashed } = await startAndHash(dir, {
        production: true,
        publicUrl: 'https://shop.example',
        realmFiles: [REALM_FILE],
        bootstrapAdmin: { username: 'temp-admin', password: 'operator-password' },
      });
      await idp.close();
      assert.ok(hashed! >= 1);
      await assert.rejects(stat(join(dir, PASSWORD_HASH_FILE)), { code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
