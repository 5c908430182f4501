/**
 * Scale-out as an operator runs it: one idp, two gateway replicas behind nginx and two shop-api
 * replicas behind another nginx, every replica of a part on that part's one PostgreSQL database.
 * The gateway's public URL — and so the redirect URI and the back-channel logout URL the idp
 * calls — is the balancer's; the gateways trust its X-Forwarded-For (TRUST_PROXY). Tests reach a
 * chosen replica through a balancer port pinned to it, with the same headers as the balanced one.
 *
 * Access tokens live 300 s and the gateways refresh 295 s ahead, so a session is due for refresh
 * 5 s after each refresh: refresh behaviour is seen within seconds, not minutes.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { Browser } from '@mockmart/gateway/testing';
import { NGINX } from '../support/balancer.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import {
  openServiceDatabases,
  postgresReachable,
  rows,
  type ServiceDatabases,
} from '../system/support/databases.ts';
import { mapLimit } from '../system/support/limit.ts';
import { eventually } from '../system/support/poll.ts';
import { ADDRESS, logTail, shopClient, type ShopClient } from '../system/support/shop-client.ts';
import { makeShoppers, realmFilesWith, tokensFor, writeShoppersRealm } from '../system/support/shoppers.ts';
import { startRefreshStall, type RefreshStall } from './support/refresh-stall.ts';

/**
 * Long enough that "a replica read the session just before the callback" holds on a busy machine
 * (the returning visitor's case); the logout test then waits up to this long.
 */
const SESSION_CACHE_MS = 10_000;
const REFRESH_AHEAD_SECONDS = 295;
const LOAD_SHOPPERS = 16;
/** Catalogue product bought under load (its stock is set here, so other suites do not matter). */
const LOAD_PRODUCT = 3;
const CART_PRODUCT = 1;
const FINAL = ['confirmed', 'failed', 'cancelled'];

const pgUp = await postgresReachable();

describe(
  'scale-out: two gateways and two shop-api replicas behind nginx, on shared databases',
  { skip: pgUp ? false : 'needs PostgreSQL on 127.0.0.1:5432 (replicas share a database)', timeout: 300_000 },
  () => {
    const shoppers = makeShoppers(LOAD_SHOPPERS + 1, 'scale');
    const twin = shoppers.pop()!;
    let dir: string;
    let stall: RefreshStall;
    let system: TestSystem;
    let shop: ShopClient;
    let dbs: ServiceDatabases;
    const gateways = () => system.pinned.gateway!;
    const shopApis = () => system.pinned['shop-api']!;

    before(async () => {
      assert.ok(
        existsSync(NGINX),
        `the scale-out suite needs Debian's nginx at ${NGINX} (.ci/run installs it)`,
      );
      dir = await mkdtemp(join(tmpdir(), 'mockmart-scale-'));
      const realmFile = await writeShoppersRealm(dir, [...shoppers, twin]);
      stall = await startRefreshStall();
      const recovery = {
        RECOVERY_INTERVAL_MS: '300',
        RECOVERY_STUCK_AFTER_MS: '8000',
        CHECKOUT_DEADLINE_MS: '3000',
        DOWNSTREAM_TIMEOUT_MS: '4000',
        OUTBOX_POLL_MS: '200',
      };
      system = await startTestSystem({
        replicas: { gateway: 2, 'shop-api': 2 },
        extraEnv: {
          idp: { IDP_REALM_FILES: realmFilesWith(realmFile) },
          gateway: {
            SESSION_CACHE_MS: String(SESSION_CACHE_MS),
            TOKEN_REFRESH_AHEAD_SECONDS: String(REFRESH_AHEAD_SECONDS),
            // Every browser of this suite comes from one address (127.0.0.1, as the balancer
            // forwards it): per-IP limits would be about the suite, not what it proves.
            RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
            RATE_LIMIT_CREDENTIALS_PER_MINUTE: '1000',
            SESSION_ANONYMOUS_PER_IP_PER_MINUTE: '1000',
          },
          // Only this replica reaches the idp through the stall, so the test can freeze its refresh.
          'gateway-1': { KEYCLOAK_INTERNAL_URL: stall.url },
          'shop-api': recovery,
        },
      });
      stall.target = system.urls.idp;
      shop = shopClient(system);
      dbs = openServiceDatabases(system);
    });
    after(async () => {
      await dbs?.close();
      await system?.stop();
      await stall?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const newBrowser = () => new Browser(system.gatewayUrl);
    const user = async (browser: Browser, via?: string) =>
      (await browser.json<{ authenticated: boolean; csrfToken?: string }>('/bff/user', via ? { via } : {}))
        .body;
    /** Refresh-token grants the idp answered to the gateway client (its operator stats). */
    const refreshes = async () => {
      const response = await fetch(`${system.urls.idp}/auth/idp-admin/stats`);
      const { tokenRequests } = (await response.json()) as {
        tokenRequests: Array<{ clientId: string; grantType: string; requests: number }>;
      };
      return tokenRequests
        .filter((row) => row.clientId === 'gateway' && row.grantType === 'refresh_token')
        .reduce((sum, row) => sum + row.requests, 0);
    };
    /** An anonymous visitor with something in the cart, whose session both replicas have just read. */
    async function returningVisitor(): Promise<Browser> {
      const browser = newBrowser();
      const added = await browser.request('/api/cart', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: system.gatewayUrl },
        body: JSON.stringify({ productId: CART_PRODUCT, quantity: 1 }),
      });
      assert.equal(added.status < 300, true, `add to cart answered ${added.status}`);
      for (const via of gateways()) assert.equal((await browser.request('/api/cart', { via })).status, 200);
      return browser;
    }
    async function cartOf(browser: Browser): Promise<Array<{ productId: number }>> {
      const { body } = await browser.json<
        { items?: Array<{ productId: number }> } | Array<{ productId: number }>
      >('/api/cart');
      return Array.isArray(body) ? body : (body.items ?? []);
    }

    test('sign-in for fresh and returning visitors with the callback on either replica', async () => {
      for (const [index, via] of gateways().entries()) {
        const fresh = newBrowser();
        const done = await fresh.login('mario', 'mario123', '/orders', { callbackVia: via });
        assert.equal(done.status, 302, `fresh visitor, callback on gateway-${index + 1}`);
        assert.equal(done.headers.get('location'), '/orders');
        for (const other of gateways()) assert.equal((await user(fresh, other)).authenticated, true);

        // Returning: the anonymous session (a cart) was read by both replicas just before, so the
        // replica taking the callback holds a cached copy without the login's state.
        const returning = await returningVisitor();
        const read = performance.now();
        const back = await returning.login('luigi', 'luigi123', '/cart', { callbackVia: via });
        const window = performance.now() - read;
        assert.ok(
          window < SESSION_CACHE_MS,
          `the callback came ${Math.round(window)} ms after the read: not the cached case`,
        );
        assert.equal(
          back.status,
          302,
          `returning visitor, callback on gateway-${index + 1}: ${await back.text()}`,
        );
        assert.equal((await user(returning)).authenticated, true);
        assert.ok(
          (await cartOf(returning)).some((item) => item.productId === CART_PRODUCT),
          'the anonymous cart is merged into the signed-in one',
        );
      }
    });

    test('silent SSO (the idp session, no form) for a returning visitor, with the callback on either replica', async () => {
      const browser = newBrowser();
      await browser.login('admin', 'admin123');
      for (const [index, via] of gateways().entries()) {
        browser.cookies.delete('mockmart_session'); // the shop session is gone, the idp's is not
        const added = await browser.request('/api/cart', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: system.gatewayUrl },
          body: JSON.stringify({ productId: CART_PRODUCT, quantity: 1 }),
        });
        assert.ok(added.status < 300);
        for (const pinned of gateways()) await browser.request('/api/cart', { via: pinned });
        const start = await browser.request('/bff/login');
        const authorize = await browser.request(start.headers.get('location') ?? '');
        assert.equal(authorize.status, 302, 'the idp signs the visitor in without a form');
        const callback = await browser.request(authorize.headers.get('location') ?? '', { via });
        assert.equal(
          callback.status,
          302,
          `silent SSO, callback on gateway-${index + 1}: ${await callback.text()}`,
        );
        assert.equal((await user(browser)).authenticated, true);
      }
    });

    test('one session used on both replicas across its token refresh: exactly one refresh, never a 401', async () => {
      const browser = newBrowser();
      await browser.login('mario', 'mario123');
      const before = await refreshes();
      const statuses: number[] = [];
      let round = 0;
      // Both replicas, concurrently, until the token is due and one of them has refreshed it.
      await eventually(
        'a refresh of the session',
        async () => {
          round += 1;
          const answers = await Promise.all(
            gateways().flatMap((via) => [
              browser.request('/api/orders', { via }),
              browser.request('/api/orders', { via }),
            ]),
          );
          statuses.push(...answers.map((answer) => answer.status));
          return (await refreshes()) > before ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      // …and on, a while after it: the stored tokens are used, nobody refreshes again.
      for (let i = 0; i < 5; i += 1) {
        const answers = await Promise.all(
          gateways().flatMap((via) => [
            browser.request('/api/orders', { via }),
            browser.request('/api/orders', { via }),
          ]),
        );
        statuses.push(...answers.map((answer) => answer.status));
      }
      assert.deepEqual(
        [...new Set(statuses)],
        [200],
        `every call answered 200 over ${round} rounds: ${JSON.stringify(statuses.filter((s) => s !== 200))}`,
      );
      assert.equal((await refreshes()) - before, 1, 'one refresh at the idp for both replicas');
    });

    test(`logout on one replica ends the session on the other within SESSION_CACHE_MS (${SESSION_CACHE_MS} ms)`, async (t) => {
      const browser = newBrowser();
      await browser.login('luigi', 'luigi123');
      const [first, second] = gateways() as [string, string];
      assert.equal((await user(browser, second)).authenticated, true, 'gateway-2 has read the session');
      const { csrfToken } = await user(browser, first);
      const out = await browser.request('/bff/logout', {
        method: 'POST',
        headers: { 'x-csrf-token': csrfToken ?? '', origin: system.gatewayUrl },
        via: first,
      });
      assert.equal(out.status < 300, true, `logout answered ${out.status}`);
      const loggedOut = performance.now();
      // The cookie is gone from the jar; the old one is what an attacker (or another tab) still has.
      const stale = new Browser(system.gatewayUrl);
      stale.cookies.set('mockmart_session', browser.issuedCookieValues.at(-1) ?? '');
      await eventually(
        'gateway-2 to see the logout',
        async () => ((await user(stale, second)).authenticated ? undefined : true),
        { timeoutMs: 5000, intervalMs: 50 },
      );
      const seenAfter = Math.round(performance.now() - loggedOut);
      t.diagnostic(`gateway-2 saw the logout ${seenAfter} ms after gateway-1 processed it`);
      assert.ok(seenAfter <= SESSION_CACHE_MS + 300, `seen after ${seenAfter} ms`);
    });

    test('back-channel logout from the idp, delivered through the balancer, ends the session on both replicas', async (t) => {
      const browser = newBrowser();
      await browser.login('mario', 'mario123');
      for (const via of gateways()) assert.equal((await user(browser, via)).authenticated, true);
      await adminLogout(system, 'mario');
      const ended = performance.now();
      await eventually(
        'both replicas to see the back-channel logout',
        async () => {
          const seen = await Promise.all(
            gateways().map(async (via) => (await user(browser, via)).authenticated),
          );
          return seen.every((authenticated) => !authenticated) ? true : undefined;
        },
        { timeoutMs: 5000, intervalMs: 50 },
      );
      const seenAfter = Math.round(performance.now() - ended);
      t.diagnostic(`both replicas signed out ${seenAfter} ms after the idp's logout`);
      assert.ok(seenAfter <= SESSION_CACHE_MS + 500);
      assert.equal((await browser.request('/api/orders')).status, 401);
    });

    test('checkouts with the same Idempotency-Key sent to both shop-api replicas at once give one order', async () => {
      const token = await system.userToken(twin.username, twin.password);
      const userId = decodeJwt(token).sub!;
      await shop.addToCart(token, CART_PRODUCT, 1);
      const key = `twin-${randomUUID()}`;
      const answers = await Promise.all(
        shopApis().map((base) =>
          checkoutAt(base, token, key).then(async (response) => ({
            status: response.status,
            body: await response.text(),
          })),
        ),
      );
      assert.ok(
        answers.every((answer) => [200, 201, 409].includes(answer.status)),
        JSON.stringify(answers),
      );
      const orders = await eventually('the order to settle', async () => {
        const found = await rows<{ id: number; status: string }>(
          dbs.shop,
          'SELECT id, status FROM orders WHERE user_id = $1',
          [userId],
        );
        return found.every((order) => FINAL.includes(order.status)) ? found : undefined;
      });
      assert.equal(orders.length, 1, `one order for one key: ${JSON.stringify(orders)}`);
      const charges = await rows<{ n: number }>(
        dbs.payment,
        `SELECT count(*)::int AS n FROM charges WHERE order_id = $1 AND status = 'succeeded'`,
        [String(orders[0]!.id)],
      );
      assert.equal(charges[0]!.n, orders[0]!.status === 'confirmed' ? 1 : 0, 'at most one charge');
    });

    /**
     * Signs a user in, waits until the token is due (5 s after it was issued), lets gateway-1 take
     * the refresh lease and freezes it at the idp (see RefreshStall), then SIGKILLs it there.
     * Returns the browser and the idp's refresh count before the frozen refresh.
     */
    async function killGatewayHoldingTheLease(t: TestContext, freeze: 'request' | 'response') {
      const browser = newBrowser();
      await browser.login('luigi', 'luigi123');
      const [first] = gateways() as [string, string];
      await new Promise((resolve) => setTimeout(resolve, (300 - REFRESH_AHEAD_SECONDS) * 1000 + 200));
      const before = await refreshes();
      stall.holding = freeze;
      const held = stall.nextHeld();
      const frozen = browser.request('/api/orders', { via: first }).then(
        (response) => response.status,
        () => 'connection lost',
      );
      await held;
      const gateway1 = system.system.part('gateway-1');
      gateway1.child.kill('SIGKILL');
      await gateway1.exited;
      stall.holding = false;
      t.diagnostic(`the request gateway-1 was serving when killed answered: ${String(await frozen)}`);
      return { browser, before };
    }

    /**
     * Restarts a killed gateway and waits until the balancer sends it requests again. nginx leaves
     * a replica it saw fail alone for its fail_timeout (3 s), even once it is back: a test that
     * killed the other replica within that window would find no live upstream at all.
     */
    async function restartBehindTheBalancer(name: 'gateway-1' | 'gateway-2') {
      await system.system.part(name).restart();
      const served = () => system.logs(name).split('"request completed"').length;
      const browser = newBrowser();
      await eventually(`the balancer to send requests to ${name} again`, async () => {
        const before = served();
        for (let i = 0; i < 4; i += 1) await browser.request('/bff/user');
        return served() > before ? true : undefined;
      });
    }

    /** Calls through the balancer (gateway-2 alone now) until `done`; every answer and its duration. */
    async function keepCalling(browser: Browser, what: string, done: () => Promise<boolean>) {
      const calls: Array<{ status: number; ms: number }> = [];
      await eventually(
        what,
        async () => {
          const started = performance.now();
          const { status } = await browser.request('/api/orders');
          calls.push({ status, ms: Math.round(performance.now() - started) });
          return (await done()) ? true : undefined;
        },
        { timeoutMs: 25_000, intervalMs: 250 },
      );
      return calls;
    }

    test('a gateway killed holding the refresh lease before the idp saw the refresh: the user stays signed in and the lease is taken over', async (t) => {
      const { browser, before } = await killGatewayHoldingTheLease(t, 'request');
      const started = performance.now();
      const calls = await keepCalling(
        browser,
        'gateway-2 to take the stranded lease over and refresh',
        async () => ((await refreshes()) > before ? true : false),
      );
      calls.push({ status: (await browser.request('/api/orders')).status, ms: 0 });
      const slowest = Math.max(...calls.map((call) => call.ms));
      t.diagnostic(
        `${calls.length} calls, statuses ${[...new Set(calls.map((call) => call.status))].join(',')}, slowest ${slowest} ms; lease taken over after ${Math.round(performance.now() - started)} ms`,
      );
      assert.deepEqual(
        [...new Set(calls.map((call) => call.status))],
        [200],
        'never signed out, never refused',
      );
      assert.ok(
        slowest < 2000,
        `served with the still-valid token, not after waiting out the lease (${slowest} ms)`,
      );
      assert.equal((await refreshes()) - before, 1, 'one refresh, by gateway-2, with the unspent token');
      assert.equal((await user(browser)).authenticated, true);
      await restartBehindTheBalancer('gateway-1');
    });

    test('a gateway killed holding the refresh lease after the idp rotated the token: the used token is not sent again and the user stays signed in', async (t) => {
      const { browser, before } = await killGatewayHoldingTheLease(t, 'response');
      const spentNoticed = () =>
        system.logs('gateway-2').includes('refresh token spent by a replica that stopped');
      const calls = await keepCalling(browser, 'gateway-2 to take the stranded lease over', async () =>
        spentNoticed(),
      );
      calls.push({ status: (await browser.request('/api/orders')).status, ms: 0 });
      t.diagnostic(
        `${calls.length} calls, statuses ${[...new Set(calls.map((call) => call.status))].join(',')}, slowest ${Math.max(...calls.map((call) => call.ms))} ms`,
      );
      assert.deepEqual(
        [...new Set(calls.map((call) => call.status))],
        [200],
        'never signed out, never refused',
      );
      assert.equal(
        (await refreshes()) - before,
        1,
        "only gateway-1's refresh reached the idp: the spent token was not reused",
      );
      assert.equal((await user(browser)).authenticated, true, 'signed in while the access token lasts');
      await restartBehindTheBalancer('gateway-1');
    });

    test('a gateway killed mid-request costs at most that request, and the user stays signed in', async (t) => {
      const browser = newBrowser();
      await browser.login('mario', 'mario123');
      const gateway2 = system.system.part('gateway-2');
      const statuses: Array<number | string> = [];
      let killed = false;
      const calls = (async () => {
        for (let i = 0; i < 60; i += 1) {
          if (i === 20) {
            gateway2.child.kill('SIGKILL'); // whatever gateway-2 is serving right now
            killed = true;
          }
          statuses.push(
            await browser.request('/api/orders').then(
              (response) => response.status,
              (error: Error) => error.message,
            ),
          );
        }
      })();
      await calls;
      assert.ok(killed);
      await gateway2.exited;
      const failed = statuses.filter((status) => status !== 200);
      t.diagnostic(
        `${statuses.length} sequential calls through the balancer, ${failed.length} failed: ${JSON.stringify(failed)}`,
      );
      assert.ok(failed.length <= 1, `at most the one request in flight: ${JSON.stringify(failed)}`);
      assert.equal((await user(browser)).authenticated, true, 'still signed in');
      assert.equal((await browser.request('/api/orders')).status, 200);
      await restartBehindTheBalancer('gateway-2');
    });

    test(`one shop-api replica killed mid-load (${LOAD_SHOPPERS} checkouts): the other's recovery settles every order`, async (t) => {
      const admin = await system.userToken('admin', 'admin123');
      await shop.admin.setStock(admin, LOAD_PRODUCT, 1000);
      const tokens = await tokensFor(system, shoppers);
      await mapLimit(shoppers, 8, (shopper) =>
        shop.addToCart(tokens.get(shopper.username)!, LOAD_PRODUCT, 1),
      );
      const userIds = shoppers.map((shopper) => decodeJwt(tokens.get(shopper.username)!).sub!);
      const stockBefore = await shop.admin.stock(admin, LOAD_PRODUCT);
      const shopApi1 = system.system.part('shop-api-1');

      // A client retries a failed checkout once with the same key (the balancer sends it to the
      // replica still alive); whatever it is told, the end state is read from the databases.
      const answers: Array<number | string> = [];
      const checkout = async (token: string, key: string) =>
        checkoutAt(system.urls.shopApi, token, key).then(
          async (response) => (await response.body?.cancel(), response.status),
          (error: Error) => error.message,
        );
      const load = mapLimit(shoppers, 8, async (shopper, index) => {
        if (index === 4) shopApi1.child.kill('SIGKILL');
        const token = tokens.get(shopper.username)!;
        const key = `load-${randomUUID()}`;
        let answer = await checkout(token, key);
        if (typeof answer !== 'number' || answer >= 500) answer = `${answer} → ${await checkout(token, key)}`;
        answers.push(answer);
      });
      await load;
      await shopApi1.exited;

      let facts = '';
      const settled = await eventually(
        'every order to reach a final state, compensated where it failed',
        async () => {
          const orders = await rows<{
            id: number;
            user_id: string;
            status: string;
            compensation_pending: boolean;
          }>(
            dbs.shop,
            'SELECT id, user_id, status, compensation_pending FROM orders WHERE user_id = ANY($1::text[])',
            [userIds],
          );
          facts = JSON.stringify(orders);
          return orders.every((order) => FINAL.includes(order.status) && !order.compensation_pending)
            ? orders
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      ).catch((error: Error) => {
        error.message += `\n${facts}${logTail(system, 'shop-api-2')}`;
        throw error;
      });

      const perUser = new Map<string, number>();
      for (const order of settled) perUser.set(order.user_id, (perUser.get(order.user_id) ?? 0) + 1);
      assert.ok(
        [...perUser.values()].every((count) => count === 1),
        `one order per checkout: ${facts}`,
      );
      const confirmed = settled.filter((order) => order.status === 'confirmed');
      const ids = settled.map((order) => String(order.id));
      const charges = await rows<{
        order_id: string;
        status: string;
        amount: string;
        refunded_amount: string;
      }>(
        dbs.payment,
        'SELECT order_id, status, amount::text, refunded_amount::text FROM charges WHERE order_id = ANY($1::text[])',
        [ids],
      );
      for (const order of settled) {
        const kept = charges.filter(
          (charge) =>
            charge.order_id === String(order.id) &&
            charge.status === 'succeeded' &&
            charge.refunded_amount !== charge.amount,
        );
        assert.equal(
          kept.length,
          order.status === 'confirmed' ? 1 : 0,
          `money of order ${order.id} (${order.status})`,
        );
      }
      const stockAfter = await shop.admin.stock(admin, LOAD_PRODUCT);
      assert.equal(stockAfter.onHand, stockBefore.onHand - confirmed.length, 'stock conserved');
      assert.equal(stockAfter.reserved, 0, 'no hold left behind');
      await eventually('one confirmation mail per confirmed order', async () => {
        const [mails] = await rows<{ n: number; orders: number }>(
          dbs.notification,
          `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders FROM notifications
            WHERE type = 'order.confirmed' AND order_id = ANY($1::text[])`,
          [confirmed.map((order) => String(order.id))],
        );
        return mails!.n === confirmed.length && mails!.orders === confirmed.length ? true : undefined;
      });
      t.diagnostic(
        `answers: ${JSON.stringify(answers)}; settled: ${confirmed.length} confirmed, ${settled.length - confirmed.length} failed`,
      );
    });
  },
);

/** A checkout as an API client sends it, straight to a shop-api URL (a replica or its balancer). */
function checkoutAt(base: string, token: string, key: string): Promise<Response> {
  return fetch(`${base}/api/checkout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ shippingAddress: ADDRESS, paymentMethod: 'credit-card' }),
    signal: AbortSignal.timeout(30_000),
  });
}

/** Ends every idp session of a user from the idp's Admin REST API (the idp sends back-channel logouts). */
async function adminLogout(system: TestSystem, username: string): Promise<void> {
  const base = `${system.urls.idp}/auth`;
  const tokenResponse = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'temp-admin',
      password: system.secrets.IDP_BOOTSTRAP_ADMIN_PASSWORD,
    }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  const users = (await (
    await fetch(`${base}/admin/realms/techstore/users?username=${username}&exact=true`, { headers })
  ).json()) as Array<{ id: string }>;
  const response = await fetch(`${base}/admin/realms/techstore/users/${users[0]!.id}/logout`, {
    method: 'POST',
    headers,
  });
  assert.equal(response.status, 204);
}
