/**
 * The browser session against the gateway (BFF): no token ever reaches the page, logging out
 * ends the session (the API answers 401 afterwards), and a logout done at the IdP ends the
 * gateway's session too, through OIDC back-channel logout — while the browser still holds the
 * gateway cookie, so nothing but the back channel can have ended it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { expect, fetchFromPage, startShop, type Shop } from './support/shop.ts';
import { describeOnEachIdentity } from '../support/identity-providers.ts';

describeOnEachIdentity('session in the browser', { timeout: 300_000 }, (provider) => {
  let shop: Shop;
  before(
    async () => {
      shop = await startShop(provider.side);
    },
    { timeout: 180_000 },
  );
  after(
    async () => {
      await shop?.stop();
    },
    { timeout: 60_000 },
  );

  // These tests log luigi in afresh each time: ending a session must not break other tests' logins.
  const loggedInLuigi = async (name: string) => {
    const page = await shop.newPage();
    await shop.journey(page, `${name}-login`, async () => {
      await page.goto('/');
      await shop.loginThroughUi(page, 'luigi');
    });
    return page;
  };

  test('the session cookie is HttpOnly and /bff/user returns no token', { timeout: 60_000 }, async () => {
    const page = await loggedInLuigi('no-token');
    await shop.journey(page, 'no-token', async () => {
      const user = await fetchFromPage(page, '/bff/user');
      assert.equal(user.status, 200);
      const body = user.body as { authenticated: boolean; user: { username: string }; csrfToken: string };
      assert.equal(body.authenticated, true);
      assert.equal(body.user.username, 'luigi');
      assert.doesNotMatch(JSON.stringify(body), /eyJ[\w-]+\.[\w-]+|access_token|refresh_token|id_token/);
      const gatewayCookies = (await page.context().cookies(shop.gatewayUrl)).filter(
        (c) => !c.path.startsWith('/auth'),
      );
      assert.ok(gatewayCookies.length > 0, 'the gateway set a session cookie');
      for (const cookie of gatewayCookies) {
        assert.equal(cookie.httpOnly, true, `${cookie.name} is HttpOnly`);
        assert.notEqual(cookie.sameSite, 'None', `${cookie.name} is SameSite Lax or Strict`);
      }
    });
  });

  test(
    'logout ends the session: the header offers Log in and /api/orders answers 401',
    { timeout: 60_000 },
    async () => {
      const page = await loggedInLuigi('logout');
      await shop.journey(page, 'logout', async () => {
        assert.equal((await fetchFromPage(page, '/api/orders')).status, 200);
        const idpPagesSeen: string[] = [];
        page.on('framenavigated', (frame) => {
          if (frame === page.mainFrame() && new URL(frame.url()).pathname.startsWith('/auth/'))
            idpPagesSeen.push(new URL(frame.url()).pathname);
        });
        await page.getByRole('button', { name: 'Log out' }).click();
        // POST /bff/logout ends the gateway session and, from the server, the idp session (refresh-
        // token logout), so its logoutUrl is `/`: the browser stays in the shop, never at the idp.
        await page.waitForURL(
          (url) => url.origin === new URL(shop.gatewayUrl).origin && !url.pathname.startsWith('/auth/'),
        );
        await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
        assert.deepEqual(idpPagesSeen, [], 'no idp page was needed to log out');
        await shop.screenshot(page, 'logged-out');
        assert.equal((await fetchFromPage(page, '/api/orders')).status, 401);
        assert.equal(
          ((await fetchFromPage(page, '/bff/user')).body as { authenticated: boolean }).authenticated,
          false,
        );
        // The idp's SSO session ended too: logging in asks for the password again.
        await page.getByRole('button', { name: 'Log in' }).click();
        await expect(page.locator('#username')).toBeVisible();
      });
    },
  );

  test(
    'a logout at the IdP ends the gateway session through back-channel logout',
    { timeout: 60_000 },
    async () => {
      const page = await loggedInLuigi('backchannel-logout');
      await shop.journey(page, 'backchannel-logout', async () => {
        const sessionCookies = async () =>
          (await page.context().cookies(shop.gatewayUrl))
            .filter((c) => !c.path.startsWith('/auth'))
            .map((c) => `${c.name}=${c.value}`);
        const before = await sessionCookies();
        assert.equal((await fetchFromPage(page, '/api/orders')).status, 200);

        // Logout at the idp itself (not through the shop): Keycloak asks for confirmation first.
        await page.goto(`/auth/realms/${shop.system.realm}/protocol/openid-connect/logout`);
        await Promise.all([page.waitForNavigation(), page.locator('#kc-logout').click()]);
        // The browser still holds the very same gateway cookie: only the back channel can end that session.
        assert.deepEqual(await sessionCookies(), before);

        await page.goto('/');
        await expect
          .poll(
            async () =>
              ((await fetchFromPage(page, '/bff/user')).body as { authenticated: boolean }).authenticated,
            { message: 'the gateway session to end', timeout: 15_000 },
          )
          .toBe(false);
        assert.equal((await fetchFromPage(page, '/api/orders')).status, 401);
        await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
      });
    },
  );
});
