import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { startEchoUpstream } from '../testing/fake-upstream.ts';
import { buildTestGateway, cookieFrom, fakeAccessToken } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const ISSUER = 'http://127.0.0.1:8080/auth/realms/techstore';
const COOKIE = 'mockmart_session';

describe(
  'BFF routes without an idp: user, logout, back-channel logout, headers, UI',
  { timeout: 60_000 },
  () => {
    let database: TestDatabase;
    let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
    let gateway: Awaited<ReturnType<typeof buildTestGateway>>;
    let uiDir: string;
    let idpKey: CryptoKeyPair;
    let env: Record<string, string>;
    let logoutKeys: ReturnType<typeof createLocalJWKSet>;

    before(async () => {
      database = await createTestDatabase({ migrationsDir: MIGRATIONS });
      upstream = await startEchoUpstream();
      uiDir = await mkdtemp(path.join(tmpdir(), 'gateway-ui-'));
      await mkdir(path.join(uiDir, 'assets'));
      await writeFile(
        path.join(uiDir, 'index.html'),
        '<!doctype html><script type="module" src="/assets/app-1.js"></script>',
      );
      await writeFile(path.join(uiDir, 'assets', 'app-1.js'), 'console.log(1)');
      idpKey = await generateKeyPair('RS256');
      logoutKeys = createLocalJWKSet({
        keys: [{ ...(await exportJWK(idpKey.publicKey)), alg: 'RS256', kid: 'k1', use: 'sig' }],
      });
      env = { SHOP_API_URL: upstream.url, UI_DIST_DIR: uiDir };
      gateway = await buildTestGateway(database.db, env, { logoutKeys });
    });
    after(async () => {
      await gateway?.app.close();
      await upstream?.close();
      await database?.drop();
      if (uiDir) await rm(uiDir, { recursive: true, force: true });
    });

    async function signIn(sid = 'idp-sid-1', sub = 'user-mario') {
      const token = await fakeAccessToken({ sub });
      const session = await gateway.app.gateway.store.create({
        secrets: {
          user: {
            id: sub,
            username: 'mario',
            name: 'Mario Rossi',
            email: 'mario@example.com',
            roles: ['user', 'can-checkout'],
            canCheckout: true,
          },
          tokens: {
            accessToken: token,
            refreshToken: 'the-refresh-token',
            accessTokenExpiresAt: Date.now() + 300_000,
          },
        },
        sid,
        sub,
      });
      return { cookie: `${COOKIE}=${session.id}`, csrf: session.data.csrfToken, token };
    }

    function logoutToken(
      claims: Record<string, unknown>,
      options: { omit?: string[]; key?: CryptoKey } = {},
    ) {
      const payload: Record<string, unknown> = {
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
        jti: crypto.randomUUID(),
        ...claims,
      };
      let jwt = new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'logout+jwt' });
      if (!options.omit?.includes('iss')) jwt = jwt.setIssuer(ISSUER);
      if (!options.omit?.includes('aud')) jwt = jwt.setAudience('gateway');
      if (!options.omit?.includes('iat')) jwt = jwt.setIssuedAt();
      return jwt.sign(options.key ?? idpKey.privateKey);
    }

    test('GET /bff/user: anonymous is { authenticated: false }', async () => {
      const response = await gateway.app.inject({ method: 'GET', url: '/bff/user' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { authenticated: false });
      assert.equal(response.headers['cache-control'], 'no-store');
    });

    test('GET /bff/user: signed in shows the profile and CSRF token, never a token', async () => {
      const { cookie, csrf, token } = await signIn();
      const response = await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } });
      assert.deepEqual(response.json(), {
        authenticated: true,
        user: {
          id: 'user-mario',
          username: 'mario',
          name: 'Mario Rossi',
          email: 'mario@example.com',
          roles: ['user', 'can-checkout'],
          canCheckout: true,
        },
        csrfToken: csrf,
      });
      const everything = response.body + JSON.stringify(response.headers);
      for (const secret of [token, 'the-refresh-token']) assert.ok(!everything.includes(secret));
    });

    test('POST /bff/logout: refused without CSRF token or cross-origin; with it the session ends', async () => {
      const { cookie, csrf } = await signIn();
      assert.equal(
        (await gateway.app.inject({ method: 'POST', url: '/bff/logout', headers: { cookie } })).json().code,
        'GW_CSRF',
      );
      assert.equal(
        (
          await gateway.app.inject({
            method: 'POST',
            url: '/bff/logout',
            headers: { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' },
          })
        ).statusCode,
        403,
      );
      assert.equal(
        (await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } })).json()
          .authenticated,
        true,
        'refusals changed nothing',
      );

      const response = await gateway.app.inject({
        method: 'POST',
        url: '/bff/logout',
        headers: { cookie, 'x-csrf-token': csrf, origin: 'http://127.0.0.1:8080' },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(
        typeof response.json().logoutUrl,
        'string',
        'idp down here: the logout URL falls back to /',
      );
      assert.match(String(response.headers['set-cookie']), new RegExp(`^${COOKIE}=;`));
      const after = await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } });
      assert.equal(after.json().authenticated, false);
      assert.match(
        String(after.headers['set-cookie']),
        new RegExp(`^${COOKIE}=;`),
        'a dead session cookie is cleared',
      );
    });

    test("GET /bff/logged-out (the realm's post-logout redirect URI) sends the browser home, signed out", async () => {
      const anonymous = await gateway.app.inject({ method: 'GET', url: '/bff/logged-out' });
      assert.equal(anonymous.statusCode, 303);
      assert.equal(anonymous.headers.location, '/?signedOut=1', 'the UI shows a signed-out notice');
      assert.equal(anonymous.headers['cache-control'], 'no-store');

      // A GET changes nothing: a cross-site <img src="/bff/logged-out"> cannot sign anyone out.
      const { cookie } = await signIn('idp-sid-logged-out');
      const signedIn = await gateway.app.inject({
        method: 'GET',
        url: '/bff/logged-out',
        headers: { cookie },
      });
      assert.equal(signedIn.statusCode, 303);
      assert.equal(signedIn.headers.location, '/', 'still signed in here: no signed-out notice');
      assert.equal(signedIn.headers['set-cookie'], undefined);
      const user = await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } });
      assert.equal(user.json().authenticated, true);
    });

    test('POST /bff/backchannel-logout with a valid logout token ends that idp session; the API is then 401', async () => {
      const victim = await signIn('sid-to-end', 'user-a');
      const bystander = await signIn('sid-to-keep', 'user-a');
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/bff/backchannel-logout',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          logout_token: await logoutToken({ sid: 'sid-to-end', sub: 'user-a' }),
        }).toString(),
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(
        (await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie: victim.cookie } }))
          .statusCode,
        401,
      );
      assert.equal(
        (
          await gateway.app.inject({
            method: 'GET',
            url: '/api/orders',
            headers: { cookie: bystander.cookie },
          })
        ).statusCode,
        200,
      );

      const bySub = await gateway.app.inject({
        method: 'POST',
        url: '/bff/backchannel-logout',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ logout_token: await logoutToken({ sub: 'user-a' }) }).toString(),
      });
      assert.equal(bySub.statusCode, 200);
      assert.equal(
        (
          await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie: bystander.cookie } })
        ).json().authenticated,
        false,
      );
    });

    test('POST /bff/backchannel-logout refuses every malformed or forged logout token with 400 and ends nothing', async () => {
      const { cookie } = await signIn('sid-safe', 'user-safe');
      const stranger = await generateKeyPair('RS256');
      const bad = [
        await logoutToken({ sid: 'sid-safe', nonce: 'n' }),
        await logoutToken({ sid: 'sid-safe', aud: 'shop-api' }, { omit: ['aud'] }),
        await logoutToken(
          { sid: 'sid-safe', iss: 'http://evil.example/realms/techstore' },
          { omit: ['iss'] },
        ),
        await logoutToken({ sid: 'sid-safe', events: {} }),
        await logoutToken({ sid: 'sid-safe' }, { omit: ['iat'] }),
        await logoutToken({}),
        await logoutToken({ sid: 'sid-safe' }, { key: stranger.privateKey }),
        'not-a-jwt',
      ];
      for (const token of bad) {
        const response = await gateway.app.inject({
          method: 'POST',
          url: '/bff/backchannel-logout',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ logout_token: token }).toString(),
        });
        assert.equal(response.statusCode, 400, token.slice(0, 30));
        assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      }
      const missing = await gateway.app.inject({
        method: 'POST',
        url: '/bff/backchannel-logout',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'x=1',
      });
      assert.equal(missing.statusCode, 400);
      assert.equal(
        (await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } })).json()
          .authenticated,
        true,
      );
    });

    test('POST /bff/backchannel-logout refuses a replayed logout token (same jti) and a non-object event', async () => {
      // BCL 1.0 §2.6: the event member's value is a JSON object; a jti already received is a replay.
      // A replayed sub-only token would otherwise end the sessions the user opened since.
      const nullEvent = await logoutToken({
        sub: 'user-replay',
        events: { 'http://schemas.openid.net/event/backchannel-logout': null },
      });
      const send = (token: string) =>
        gateway.app.inject({
          method: 'POST',
          url: '/bff/backchannel-logout',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ logout_token: token }).toString(),
        });
      const first = await signIn('sid-replay-1', 'user-replay');
      assert.equal((await send(nullEvent)).statusCode, 400, 'event value null');
      const token = await logoutToken({ sub: 'user-replay' });
      assert.equal((await send(token)).statusCode, 200);
      const signedInAgain = await signIn('sid-replay-2', 'user-replay');
      const replay = await send(token);
      assert.equal(replay.statusCode, 400, 'the replay is refused');
      assert.equal(replay.json().code, 'GW_LOGOUT_TOKEN_INVALID');
      const user = async (cookie: string) =>
        (await gateway.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } })).json()
          .authenticated;
      assert.equal(await user(first.cookie), false);
      assert.equal(await user(signedInAgain.cookie), true, 'the new session survives the replay');
    });

    test('a logout token replayed at another gateway replica is refused too', async () => {
      const replica = await buildTestGateway(database.db, env, { logoutKeys });
      try {
        const send = (app: typeof gateway.app, token: string) =>
          app.inject({
            method: 'POST',
            url: '/bff/backchannel-logout',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams({ logout_token: token }).toString(),
          });
        await signIn('sid-replica-1', 'user-replica');
        const token = await logoutToken({ sub: 'user-replica' });
        assert.equal((await send(gateway.app, token)).statusCode, 200);
        const signedInAgain = await signIn('sid-replica-2', 'user-replica');
        const replay = await send(replica.app, token);
        assert.equal(replay.statusCode, 400, 'the other replica knows the jti');
        assert.equal(replay.json().code, 'GW_LOGOUT_TOKEN_INVALID');
        assert.equal(
          (
            await replica.app.inject({
              method: 'GET',
              url: '/bff/user',
              headers: { cookie: signedInAgain.cookie },
            })
          ).json().authenticated,
          true,
          'the session opened after the real logout survives',
        );
      } finally {
        await replica.app.close();
      }
    });

    test('a session survives a gateway restart on the same database', async () => {
      const { cookie, token } = await signIn();
      const restarted = await buildTestGateway(database.db, env, { logoutKeys });
      try {
        assert.equal(
          (await restarted.app.inject({ method: 'GET', url: '/bff/user', headers: { cookie } })).json()
            .authenticated,
          true,
        );
        const api = await restarted.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } });
        assert.equal(
          (JSON.parse(api.body) as { headers: Record<string, string> }).headers.authorization,
          `Bearer ${token}`,
        );
      } finally {
        await restarted.app.close();
      }
    });

    test('GET /bff/login: 400 for an off-site returnTo, 503 with Retry-After when the idp is unreachable', async () => {
      for (const returnTo of [
        '//evil.example',
        '/\\evil.example',
        'https://evil.example/',
        '/%09/x'.replace('%09', '\t'),
      ]) {
        const response = await gateway.app.inject({
          method: 'GET',
          url: `/bff/login?returnTo=${encodeURIComponent(returnTo)}`,
        });
        assert.equal(response.statusCode, 400, returnTo);
        assert.equal(response.json().code, 'GW_RETURN_TO_INVALID');
        assert.equal(response.headers.location, undefined);
      }
      const down = await gateway.app.inject({ method: 'GET', url: '/bff/login?returnTo=/orders' });
      assert.equal(down.statusCode, 503);
      assert.equal(down.json().code, 'GW_IDP_UNAVAILABLE');
      assert.equal(down.headers['retry-after'], '5');
      assert.equal(down.headers['set-cookie'], undefined, 'no session written when the login cannot start');
    });

    test('every response carries strict security headers (CSP without inline script, no framing)', async () => {
      for (const url of ['/', '/bff/user', '/api/products', '/no-such-page']) {
        const response = await gateway.app.inject({ method: 'GET', url });
        const csp = String(response.headers['content-security-policy']);
        assert.match(csp, /default-src 'self'/, url);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal(response.headers['x-content-type-options'], 'nosniff');
        assert.equal(response.headers['referrer-policy'], 'no-referrer');
        assert.equal(response.headers['x-frame-options'], 'DENY');
        assert.equal(
          response.headers['strict-transport-security'],
          undefined,
          'no HSTS on plain-http localhost',
        );
      }
    });

    test('serves the built UI: files, immutable assets, index.html for deep links, 404 problems for API-like paths', async () => {
      const index = await gateway.app.inject({ method: 'GET', url: '/orders/42' });
      assert.equal(index.statusCode, 200);
      assert.match(index.body, /assets\/app-1\.js/);
      assert.equal(index.headers['cache-control'], 'no-cache');
      const asset = await gateway.app.inject({ method: 'GET', url: '/assets/app-1.js' });
      assert.equal(asset.statusCode, 200);
      assert.match(String(asset.headers['cache-control']), /immutable/);
      assert.equal((await gateway.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode, 404);
      assert.equal(
        (await gateway.app.inject({ method: 'GET', url: '/bff/nothing' })).headers['content-type'],
        'application/problem+json; charset=utf-8',
      );
      for (const url of [
        '/..%2f..%2f..%2fetc%2fpasswd',
        '/assets/..%2f..%2f..%2fetc%2fhostname',
        '/%2e%2e/%2e%2e/etc/passwd',
      ]) {
        const traversal = await gateway.app.inject({ method: 'GET', url });
        assert.ok(
          !traversal.body.includes('root:') && !traversal.body.includes('vm'),
          `${url} never leaves the UI folder`,
        );
      }
    });

    test('without a built UI a plain page says so', async () => {
      const bare = await buildTestGateway(database.db, { SHOP_API_URL: upstream.url });
      try {
        const response = await bare.app.inject({ method: 'GET', url: '/' });
        assert.equal(response.statusCode, 200);
        assert.match(response.body, /not built/);
      } finally {
        await bare.app.close();
      }
    });

    test('with an https public URL the cookie is __Host-, Secure, HttpOnly, SameSite=Lax, Path=/ and HSTS is on', async () => {
      const secure = await buildTestGateway(database.db, {
        SHOP_API_URL: upstream.url,
        GATEWAY_PUBLIC_URL: 'https://shop.example',
      });
      try {
        const response = await secure.app.inject({
          method: 'POST',
          url: '/api/cart',
          headers: { 'content-type': 'application/json' },
          payload: {},
        });
        const setCookie = String(response.headers['set-cookie']);
        assert.ok(cookieFrom(response.headers['set-cookie'], `__Host-${COOKIE}`));
        for (const flag of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/'])
          assert.ok(setCookie.includes(flag), flag);
        assert.ok(!/Domain=/i.test(setCookie));
        assert.match(String(response.headers['strict-transport-security']), /max-age=\d+/);
      } finally {
        await secure.app.close();
      }
    });
  },
);
