import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { Browser } from '../testing/browser.ts';
import { startEchoUpstream, type Received } from '../testing/fake-upstream.ts';
import { startGatewayWithIdp, type GatewayWithIdp } from '../testing/idp-harness.ts';
import { TEST_CLIENT_SECRET, TEST_SESSION_KEY, buildTestGateway } from '../testing/test-gateway.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const COOKIE = 'mockmart_session';

describe('login through the real idp (code + PKCE), refresh, logout', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let system: GatewayWithIdp;
  let clock = Date.now();
  const idpCalls: string[] = [];
  let countingFetch: typeof fetch;
  /** While true, the idp's end-session endpoint answers 500 to the gateway's back channel. */
  let idpLogoutFails = false;
  /** While true, every back-channel call to the idp fails as if it were down. */
  let idpDown = false;
  /** Every token the idp issued to a gateway of this suite (read from the token endpoint's answers). */
  const issuedTokens = new Set<string>();
  /** The log of every gateway (and replica) of this suite, for the final "nothing secret" check. */
  const gatewayLogs: { text(): string }[] = [];
  const browsers: Browser[] = [];
  const newBrowser = (origin = system.origin) => {
    const browser = new Browser(origin);
    browsers.push(browser);
    return browser;
  };

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
    upstream = await startEchoUpstream();
    countingFetch = async (input, init) => {
      const body =
        init?.body instanceof URLSearchParams
          ? init.body.toString()
          : typeof init?.body === 'string'
            ? init.body
            : '';
      const grant = /grant_type=([a-z_]+)/.exec(body)?.[1];
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      idpCalls.push(grant ?? path);
      if (idpDown) throw new TypeError('fetch failed');
      if (idpLogoutFails && path.endsWith('/protocol/openid-connect/logout'))
        return new Response('{"error":"unknown_error"}', { status: 500 });
      const response = await fetch(input, init);
      if (path.endsWith('/protocol/openid-connect/token')) {
        const answer = (await response.clone().json()) as Record<string, unknown>;
        for (const name of ['access_token', 'refresh_token', 'id_token'])
          if (typeof answer[name] === 'string') issuedTokens.add(answer[name]);
      }
      return response;
    };
    system = await startGatewayWithIdp(
      database.db,
      { SHOP_API_URL: upstream.url, RATE_LIMIT_LOGIN_PER_MINUTE: '1000' },
      { now: () => clock, fetch: countingFetch },
    );
    gatewayLogs.push(system.gateway.logs);
  });
  after(async () => {
    await system?.close();
    await upstream?.close();
    await database?.drop();
  });

  const refreshes = () => idpCalls.filter((call) => call === 'refresh_token').length;

  test('a full login: /bff/login → idp form → callback sets a rotated HttpOnly cookie and redirects to returnTo', async () => {
    const browser = newBrowser();
    const start = await browser.request('/bff/login?returnTo=%2Forders%3Fpage%3D2');
    assert.equal(start.status, 302);
    const authorize = new URL(start.headers.get('location') ?? '');
    assert.equal(authorize.origin, system.origin, 'the browser stays on one origin (/auth is proxied)');
    assert.equal(authorize.pathname, '/auth/realms/techstore/protocol/openid-connect/auth');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('client_id'), 'gateway');
    assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));
    const preLogin = browser.cookies.get(COOKIE);
    assert.ok(preLogin, 'a pre-login session holds state, nonce and verifier');

    browser.cookies.clear();
    browser.cookies.set(COOKIE, preLogin);
    const done = await browser.login('mario', 'mario123', '/orders?page=2');
    assert.equal(done.status, 302);
    assert.equal(done.headers.get('location'), '/orders?page=2');
    const setCookie = done.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`)) ?? '';
    for (const flag of ['HttpOnly', 'SameSite=Lax', 'Path=/']) assert.ok(setCookie.includes(flag), flag);
    assert.notEqual(browser.cookies.get(COOKIE), preLogin, 'the session id is rotated at login');

    const replay = newBrowser();
    replay.cookies.set(COOKIE, preLogin);
    assert.equal((await replay.json('/bff/user')).body.authenticated, false, 'the pre-login id is dead');

    const me = await browser.json<{
      authenticated: boolean;
      user: Record<string, unknown>;
      csrfToken: string;
    }>('/bff/user');
    assert.equal(me.body.authenticated, true);
    assert.equal(me.body.user.username, 'mario');
    assert.equal(me.body.user.email, 'mario.rossi@example.com');
    assert.equal(me.body.user.name, 'Mario Rossi');
    assert.equal(me.body.user.canCheckout, true);
    assert.ok((me.body.user.roles as string[]).includes('can-checkout'));
    assert.match(me.body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!/eyJ[A-Za-z0-9_-]+\.eyJ/.test(JSON.stringify(me.body)), 'no JWT in /bff/user');
  });

  test('the API call carries the user token from the idp; nothing token-like reaches the browser or the log', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const api = await browser.request('/api/orders');
    const seen = (await api.json()) as Received;
    const token = String(seen.headers.authorization).replace(/^Bearer /, '');
    assert.match(token, /^eyJ/);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(
      claims.iss,
      `${system.origin}/auth/realms/techstore`,
      'the public issuer, though the gateway called the idp internally',
    );
    assert.ok([claims.aud].flat().includes('shop-api'));
    const logText = system.gateway.logs.text();
    assert.ok(!logText.includes(token), 'access token not in the log');
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(logText), 'no JWT at all in the log');
    assert.ok(logText.includes('/bff/callback'), 'the callback was logged');
    assert.ok(
      !/[?&](code|state|nonce|code_challenge|session_code|id_token_hint)=/.test(logText),
      'no one-time secret from a query string in the log',
    );
    const me = await browser.request('/bff/user');
    assert.ok(!JSON.stringify([...me.headers]).includes('eyJ'), 'no token in headers');
  });

  test('the anonymous cart is merged at sign-in: POST /api/cart/merge with the new user token and the cart id', async () => {
    const browser = newBrowser();
    const added = await browser.request('/api/cart', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: system.origin },
      body: '{"productId":1,"quantity":1}',
    });
    const cartId = ((await added.json()) as Received).headers['x-cart-id'];
    assert.ok(cartId);
    const seenBefore = upstream.received.length;
    await browser.login('mario', 'mario123');
    const merge = upstream.received.slice(seenBefore).find((call) => call.url === '/api/cart/merge');
    assert.ok(merge, 'shop-api was asked to merge');
    assert.equal(merge.method, 'POST');
    assert.equal(merge.headers['x-cart-id'], cartId);
    assert.match(String(merge.headers.authorization), /^Bearer eyJ/);
    const after = (await (await browser.request('/api/cart')).json()) as Received;
    assert.equal(after.headers['x-cart-id'], undefined, "signed in, the cart is the user's");
    assert.equal(after.headers.authorization, merge.headers.authorization);
  });

  test('the callback refuses a response whose state is not bound to this browser (login CSRF)', async () => {
    const victim = newBrowser();
    await victim.request('/bff/login');
    const attacker = newBrowser();
    const start = await attacker.request('/bff/login');
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state');
    const response = await victim.json(`/bff/callback?code=stolen&state=${state}`);
    assert.equal(response.status, 400);
    assert.equal(response.body.code, 'GW_LOGIN_STATE_INVALID');
    assert.equal((await victim.json('/bff/user')).body.authenticated, false);
  });

  test('the same callback twice at once (double submit): one sign-in, the code is spent once, the session keeps working', async () => {
    const browser = newBrowser();
    const start = await browser.request('/bff/login');
    const form = await browser.request(start.headers.get('location') ?? '');
    const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/
      .exec(await form.text())?.[1]
      ?.replaceAll('&amp;', '&');
    assert.ok(action, 'the idp login form');
    const submitted = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'luigi', password: 'luigi123', credentialId: '' }).toString(),
    });
    const callback = submitted.headers.get('location') ?? '';
    assert.match(callback, /\/bff\/callback\?/);
    const exchangesBefore = idpCalls.filter((call) => call === 'authorization_code').length;

    const answers = await Promise.all([browser.request(callback), browser.request(callback)]);

    assert.deepEqual(answers.map((answer) => answer.status).sort(), [302, 400]);
    assert.equal(
      idpCalls.filter((call) => call === 'authorization_code').length - exchangesBefore,
      1,
      'a reused code makes the idp revoke what the first exchange issued, so it must not be sent twice',
    );
    assert.equal((await browser.json('/bff/user')).body.authenticated, true);
    const expiry = await accessTokenExpiry(browser);
    assert.ok(await callApiWithClockAt(browser, expiry + 1000), 'the refresh token still works');
  });

  test('N concurrent API calls with an expired access token cause exactly one refresh at the idp', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const firstToken = ((await (await browser.request('/api/orders')).json()) as Received).headers
      .authorization;
    const before = refreshes();
    clock += 10 * 60_000;
    try {
      const results = await Promise.all(
        Array.from({ length: 25 }, () =>
          browser
            .request('/api/orders')
            .then(async (r) => ({ status: r.status, seen: (await r.json()) as Received })),
        ),
      );
      assert.equal(refreshes() - before, 1, 'one refresh for 25 concurrent calls');
      const tokens = new Set(results.map((r) => r.seen.headers.authorization));
      assert.deepEqual(
        results.map((r) => r.status),
        Array(25).fill(200),
      );
      assert.equal(tokens.size, 1);
      assert.notEqual([...tokens][0], firstToken, 'the refreshed token is used');
    } finally {
      clock -= 10 * 60_000;
    }
  });

  async function accessTokenExpiry(browser: Browser): Promise<number> {
    const session = await system.gateway.app.gateway.store.load(browser.cookies.get(COOKIE) ?? '');
    const expiresAt = session?.secrets.tokens?.accessTokenExpiresAt;
    assert.ok(expiresAt, 'a signed-in session with an access-token expiry');
    return expiresAt;
  }

  /** Calls the API once with the clock at `at`; answers the Authorization shop-api received. */
  async function callApiWithClockAt(browser: Browser, at: number) {
    const saved = clock;
    clock = at;
    try {
      const response = await browser.request('/api/orders');
      assert.equal(response.status, 200);
      return ((await response.json()) as Received).headers.authorization;
    } finally {
      clock = saved;
    }
  }

  test('an access token inside the refresh-ahead window (expiry − 10 s, window 30 s) is refreshed once before use', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const expiresAt = await accessTokenExpiry(browser);
    const firstToken = await callApiWithClockAt(browser, clock); // as issued, at login time
    const before = refreshes();
    const used = await callApiWithClockAt(browser, expiresAt - 10_000);
    assert.equal(refreshes() - before, 1, 'one refresh, though the token has not expired yet');
    assert.notEqual(used, firstToken, 'the call already carries the refreshed token');
    assert.ok((await accessTokenExpiry(browser)) > expiresAt, 'the stored expiry moved on');
    assert.equal(await callApiWithClockAt(browser, expiresAt - 10_000), used, 'the new token is reused');
    assert.equal(refreshes() - before, 1, 'no second refresh');
  });

  test('an access token outside the refresh-ahead window (expiry − 60 s) is used as it is, with no refresh', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const expiresAt = await accessTokenExpiry(browser);
    const firstToken = await callApiWithClockAt(browser, clock); // as issued, at login time
    const before = refreshes();
    assert.equal(await callApiWithClockAt(browser, expiresAt - 60_000), firstToken);
    assert.equal(refreshes() - before, 0);
  });

  test('an expired access token while the idp is down answers 503 with Retry-After and keeps the session', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const expiresAt = await accessTokenExpiry(browser);
    const saved = clock;
    clock = expiresAt + 1000;
    try {
      idpDown = true;
      const down = await browser.json('/api/orders');
      assert.equal(down.status, 503);
      assert.equal(down.body.code, 'GW_IDP_UNAVAILABLE');
      assert.ok(Number(down.headers.get('retry-after')) > 0);
      idpDown = false;
      assert.equal((await browser.request('/api/orders')).status, 200, 'the idp is back: refreshed');
    } finally {
      idpDown = false;
      clock = saved;
    }
  });

  test('two replicas on one database refreshing at once make one refresh, keep the session and agree on the token', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const replica = await buildTestGateway(
      database.db,
      {
        GATEWAY_PUBLIC_URL: system.origin,
        KEYCLOAK_PUBLIC_URL: system.origin,
        KEYCLOAK_INTERNAL_URL: system.idp.url,
        IDP_URL: system.idp.url,
        SHOP_API_URL: upstream.url,
      },
      { now: () => clock, fetch: countingFetch },
    );
    gatewayLogs.push(replica.logs);
    const before = refreshes();
    clock += 10 * 60_000;
    try {
      const call = (app: typeof replica.app) =>
        app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } });
      const results = await Promise.all([
        ...Array.from({ length: 10 }, () => call(system.gateway.app)),
        ...Array.from({ length: 10 }, () => call(replica.app)),
      ]);
      assert.deepEqual(
        results.map((r) => r.statusCode),
        Array(20).fill(200),
      );
      const used = refreshes() - before;
      assert.equal(used, 1, 'one refresh across both replicas (the idp refuses a reused refresh token)');
      const a = (
        JSON.parse(
          (await system.gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } })).body,
        ) as Received
      ).headers.authorization;
      const b = (
        JSON.parse(
          (await replica.app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } })).body,
        ) as Received
      ).headers.authorization;
      assert.equal(refreshes() - before, used, 'no further refresh once stored');
      assert.ok(a && a === b, 'both replicas now send the same stored token');
    } finally {
      clock -= 10 * 60_000;
      await replica.app.close();
    }
  });

  test('a refused refresh (invalid_grant) ends the session: the API is then 401 and the row is gone', async () => {
    const browser = newBrowser();
    await browser.login('blocked', 'blocked123');
    const me = await browser.json<{ authenticated: boolean; user: { canCheckout: boolean } }>('/bff/user');
    assert.equal(me.body.user.canCheckout, false, 'no can-checkout role and canCheckout ["false"]');
    const store = system.gateway.app.gateway.store;
    const session = await store.load(browser.cookies.get(COOKIE) ?? '');
    assert.ok(session?.secrets.tokens);
    session.secrets.tokens.refreshToken = 'a-refresh-token-the-idp-never-issued';
    assert.ok(await store.save(session));
    const before = refreshes();
    clock += 10 * 60_000;
    try {
      const response = await browser.json('/api/orders');
      assert.equal(refreshes() - before, 1);
      assert.equal(response.status, 401);
      assert.equal(response.body.code, 'GW_SESSION_ENDED');
    } finally {
      clock -= 10 * 60_000;
    }
    assert.equal(await store.reload(session), undefined);
    assert.equal((await browser.json('/bff/user')).body.authenticated, false);
  });

  test('back-channel logout from the idp ends the gateway session; the API is then 401', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    assert.equal((await browser.request('/api/orders')).status, 200);
    const forged = await browser.request('/bff/backchannel-logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: [...issuedTokens].at(-1) ?? '' }).toString(),
    });
    assert.equal(forged.status, 400, 'an access token is no logout token');
    await adminLogoutAll(system, 'mario');
    assert.equal((await browser.json('/bff/user')).body.authenticated, false);
    assert.equal((await browser.request('/api/orders')).status, 401);
    assert.equal(
      idpCalls.filter((call) => call.endsWith('/certs')).length,
      1,
      "the logout token was checked with the gateway's own JWKS cache (fetched once, through its fetch)",
    );
  });

  test('POST /bff/logout needs the CSRF token, ends the idp session from the server and hands the browser no token', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const { body } = await browser.json<{ csrfToken: string }>('/bff/user');
    assert.equal((await browser.request('/bff/logout', { method: 'POST' })).status, 403);
    assert.equal(
      (await browser.request('/bff/logout', { method: 'POST', headers: { 'x-csrf-token': 'nope' } })).status,
      403,
    );
    const out = await browser.json<{ logoutUrl: string }>('/bff/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': body.csrfToken, origin: system.origin },
    });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { logoutUrl: '/' }, 'no id_token_hint: the browser never sees an ID token');
    assert.equal((await browser.json('/bff/user')).body.authenticated, false);
    const again = await browser.request('/bff/login');
    const form = await browser.request(again.headers.get('location') ?? '');
    assert.equal(form.status, 200, 'the idp session ended too: the login form is shown again');
  });

  test('when the server-side idp logout fails, the browser gets the idp end-session URL (client_id, post_logout_redirect_uri) and ends the idp session there', async () => {
    const browser = newBrowser();
    await browser.login('mario', 'mario123');
    const { body } = await browser.json<{ csrfToken: string }>('/bff/user');
    idpLogoutFails = true;
    let out;
    try {
      out = await browser.json<{ logoutUrl: string }>('/bff/logout', {
        method: 'POST',
        headers: { 'x-csrf-token': body.csrfToken, origin: system.origin },
      });
    } finally {
      idpLogoutFails = false;
    }
    assert.equal(out.status, 200);
    const logoutUrl = new URL(out.body.logoutUrl);
    assert.equal(
      `${logoutUrl.origin}${logoutUrl.pathname}`,
      `${system.origin}/auth/realms/techstore/protocol/openid-connect/logout`,
      "the idp's public end_session_endpoint",
    );
    assert.deepEqual(
      [...logoutUrl.searchParams].sort(),
      [
        ['client_id', 'gateway'],
        ['post_logout_redirect_uri', `${system.origin}/bff/logged-out`],
      ],
      'no id_token_hint: the browser never sees an ID token',
    );
    assert.equal((await browser.json('/bff/user')).body.authenticated, false, 'the gateway session ended');

    const sso = await browser.request((await browser.request('/bff/login')).headers.get('location') ?? '');
    assert.equal(sso.status, 302, 'the idp session survived the failed server-side logout');

    // The browser follows logoutUrl: the idp asks for confirmation, ends its session, returns to
    // /bff/logged-out, which sends it home.
    const confirmPage = await browser.request(logoutUrl.href);
    assert.equal(confirmPage.status, 200);
    const html = await confirmPage.text();
    const action = /<form[^>]*id="kc-logout-confirm"[^>]*action="([^"]+)"/.exec(html)?.[1];
    assert.ok(action, 'a confirmation form');
    const fields = new URLSearchParams(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
        ([, name, value]) => [name ?? '', (value ?? '').replaceAll('&amp;', '&')] as [string, string],
      ),
    );
    const confirmed = await browser.request(action.replaceAll('&amp;', '&'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    assert.equal(confirmed.status, 302);
    assert.equal(confirmed.headers.get('location'), `${system.origin}/bff/logged-out`);
    const home = await browser.request(confirmed.headers.get('location') ?? '');
    assert.equal(home.status, 303);
    assert.equal(home.headers.get('location'), '/?signedOut=1', 'back in the shop, told it is signed out');
    const again = await browser.request((await browser.request('/bff/login')).headers.get('location') ?? '');
    assert.equal(again.status, 200, 'the idp session ended: the login form is shown again');
  });

  test('/bff/login is rate limited per IP with 429 and Retry-After', async () => {
    // A database of its own: counters are shared through the database, and the logins of the
    // stories above came from this same address.
    const own = await createTestDatabase({ migrationsDir: MIGRATIONS });
    const limited = await startGatewayWithIdp(own.db, {
      SHOP_API_URL: upstream.url,
      RATE_LIMIT_LOGIN_PER_MINUTE: '2',
    });
    gatewayLogs.push(limited.gateway.logs);
    try {
      const browser = newBrowser(limited.origin);
      assert.equal((await browser.request('/bff/login')).status, 302);
      assert.equal((await browser.request('/bff/login')).status, 302);
      const third = await browser.json('/bff/login');
      assert.equal(third.status, 429);
      assert.equal(third.body.code, 'GW_RATE_LIMITED');
      assert.ok(Number(third.headers.get('retry-after')) > 0);
    } finally {
      await limited.close();
      await own.drop();
    }
  });

  // Runs last: it reads the logs every story above left behind.
  test('across the suite (refused refresh, idp down, logout, failed idp logout, back-channel logout) no gateway log holds a token, cookie or key', () => {
    const text = gatewayLogs.map((logs) => logs.text()).join('\n');
    for (const story of [
      'session ended: token refresh refused',
      'GW_IDP_UNAVAILABLE',
      'signed out',
      'idp logout from the server failed',
      'back-channel logout',
      'GW_LOGOUT_TOKEN_INVALID',
    ])
      assert.ok(text.includes(story), `the log covers: ${story}`);
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{8,}/, 'nothing JWT-looking');
    assert.ok(issuedTokens.size >= 10, 'the idp issued the tokens looked for');
    const cookies = new Set(browsers.flatMap((browser) => browser.issuedCookieValues));
    assert.ok(cookies.size >= 10, 'the gateway set the cookies looked for');
    const secrets = [...issuedTokens, ...cookies, TEST_SESSION_KEY, TEST_CLIENT_SECRET];
    const leaked = secrets.filter((secret) => text.includes(secret));
    assert.deepEqual(leaked.length, 0, 'no token, session cookie, client secret or session key in the log');
  });
});

/** Keycloak admin REST: end every session of a user, which makes the idp send back-channel logouts. */
async function adminLogoutAll(system: GatewayWithIdp, username: string): Promise<void> {
  const tokenResponse = await fetch(`${system.idp.baseUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'root',
      password: 'root-test-password',
    }),
  });
  const { access_token: adminToken } = (await tokenResponse.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${adminToken}` };
  const users = (await (
    await fetch(`${system.idp.baseUrl}/admin/realms/techstore/users?username=${username}&exact=true`, {
      headers,
    })
  ).json()) as { id: string }[];
  const id = users[0]?.id;
  assert.ok(id, `user ${username} exists`);
  const response = await fetch(`${system.idp.baseUrl}/admin/realms/techstore/users/${id}/logout`, {
    method: 'POST',
    headers,
  });
  assert.equal(response.status, 204);
}
