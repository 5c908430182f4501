/**
 * Shopper journeys in a real browser against the whole system (idp, services, gateway, built UI):
 * browse and add to the cart anonymously, log in through the idp's login page keeping that cart,
 * check out, find the order in the history and its confirmation mail in the mailbox, see a
 * decline explained, and see that a blocked account may not check out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expectCount, expectDisabled, expectHidden, expectText, expectVisible } from './support/expect.ts';
import { fetchFromPage, startShop, type Shop } from './support/shop.ts';
import { describeOnEachIdentity } from '../support/identity-providers.ts';
import { focusedTestId, sidewaysOverflow, tabTo, unnamedControls, watchPage } from './support/page-checks.ts';
import { eventually } from './support/wait.ts';

const ADDRESS = {
  'first-name': 'Mario',
  'last-name': 'Rossi',
  address: 'Via Roma 1',
  city: 'Bologna',
  'zip-code': '40100',
  phone: '+39 051 1234567',
};

async function addToCart(page: Page, productId: number) {
  // Wait for the cart to have loaded, so the count read is the server's.
  const badge = page.locator('[data-testid="cart-count"][data-state="ready"]');
  await expectVisible(badge);
  const before = Number(await badge.innerText());
  await page.getByTestId(`add-to-cart-${productId}`).click();
  await expectText(page.getByTestId('cart-count'), String(before + 1));
}

async function fillAddress(page: Page) {
  for (const [testId, value] of Object.entries(ADDRESS)) await page.getByTestId(testId).fill(value);
}

describeOnEachIdentity('shopping in the browser', { timeout: 300_000 }, (provider) => {
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

  test(
    'a visitor searches, filters, sorts and fills the cart; totals come from the server',
    { timeout: 60_000 },
    async () => {
      const page = await shop.newPage();
      await shop.journey(page, 'anonymous-browse', async () => {
        await page.goto('/');
        await expectVisible(page.getByTestId('product-1'));
        await expectVisible(page.getByTestId('login-button'));
        await shop.screenshot(page, 'catalog');

        await page.getByLabel('Search').fill('mouse');
        await expectHidden(page.getByTestId('product-1'));
        await expectVisible(page.getByTestId('product-2'));
        assert.match(page.url(), /search=mouse/);

        await page.getByTestId('reset-filters').click();
        await page.getByLabel('Category').selectOption('audio');
        await expectHidden(page.getByTestId('product-1'));
        await expectVisible(page.getByTestId('product-6'));

        await page.getByTestId('reset-filters').click();
        await page.getByLabel('Sort by').selectOption('price-desc');
        await expectText(page.locator('.product-card h2').first(), 'Laptop ProBook 15');
        await page.getByLabel('Sort by').selectOption('price-asc');
        await expectText(page.locator('.product-card h2').first(), 'Cable Organizer Set');

        // Pagination: the 10 seeded products at 6 per page make two pages; page and size live in the URL.
        await page.getByTestId('reset-filters').click();
        const cards = page.locator('.product-card');
        const names = () => page.locator('.product-card h2').allInnerTexts();
        await expectCount(cards, 10);
        await expectHidden(page.getByTestId('pagination-status'));
        await page.getByLabel('Per page').selectOption('6');
        await expectText(page.getByTestId('pagination-status'), 'Page 1 of 2');
        await expectCount(cards, 6);
        assert.match(page.url(), /[?&]pageSize=6\b/);
        assert.doesNotMatch(page.url(), /[?&]page=/);
        await expectDisabled(page.getByTestId('pagination-prev'));
        const firstPage = await names();
        await page.getByTestId('pagination-next').click();
        await expectText(page.getByTestId('pagination-status'), 'Page 2 of 2');
        await expectCount(cards, 4);
        assert.match(page.url(), /[?&]page=2\b/);
        assert.match(page.url(), /[?&]pageSize=6\b/);
        await expectDisabled(page.getByTestId('pagination-next'));
        const secondPage = await names();
        assert.deepEqual(
          firstPage.filter((name) => secondPage.includes(name)),
          [],
          'page 2 shows other products',
        );
        await page.getByTestId('pagination-prev').click();
        await expectText(page.getByTestId('pagination-status'), 'Page 1 of 2');
        await expectCount(cards, 6);
        assert.match(page.url(), /[?&]page=1\b/);
        assert.deepEqual(await names(), firstPage, 'back on page 1, the same products');
        await page.goBack();
        await expectText(page.getByTestId('pagination-status'), 'Page 2 of 2');
        await expectCount(cards, 4);
        await page.getByTestId('reset-filters').click();
        await expectCount(cards, 10);

        await page.getByTestId('product-link-3').click();
        await expectVisible(page.getByTestId('product-detail'));
        await expectText(page.getByTestId('product-detail-price'), '€119.99');
        await shop.screenshot(page, 'product-detail');
        await addToCart(page, 3);
        await expectVisible(page.getByRole('status').getByText('Mechanical Keyboard added to your cart.'));

        await page.getByTestId('cart-link').click();
        await expectText(page.getByTestId('quantity-3'), '1');
        await page.getByTestId('increase-3').click();
        await expectText(page.getByTestId('quantity-3'), '2');
        await expectText(page.getByTestId('cart-total'), '€239.98');
        await expectText(page.getByTestId('cart-count'), '2');
        await shop.screenshot(page, 'cart');
        await page.getByTestId('decrease-3').click();
        await expectText(page.getByTestId('quantity-3'), '1');
        await page.getByTestId('remove-3').click();
        await expectVisible(page.getByTestId('cart-empty'));
        await expectText(page.getByTestId('cart-count'), '0');
      });
    },
  );

  test(
    'mario logs in through the idp login page and the anonymous cart is kept',
    { timeout: 60_000 },
    async () => {
      const page = await shop.newPage();
      await shop.journey(page, 'login-keeps-cart', async () => {
        await page.goto('/');
        await addToCart(page, 2);
        await addToCart(page, 9);
        await shop.loginThroughUi(page, 'mario');
        await expectVisible(page.getByTestId('orders-link'));
        await expectHidden(page.getByTestId('admin-link'));
        await page.getByTestId('cart-link').click();
        await expectVisible(page.getByTestId('cart-item-2'));
        await expectVisible(page.getByTestId('cart-item-9'));
        // The browser holds only the gateway's session cookie: no token in script-visible storage.
        const visible = await page.evaluate(() =>
          JSON.stringify({
            cookies: document.cookie,
            local: { ...localStorage },
            session: { ...sessionStorage },
          }),
        );
        assert.doesNotMatch(visible, /eyJ[\w-]+\.[\w-]+/, 'a JWT is visible to page scripts');
      });
    },
  );

  test(
    'mario checks out: confirmation, order history and the confirmation mail in the mailbox',
    { timeout: 90_000 },
    async () => {
      const page = await shop.newPage('mario');
      let orderId = '';
      await shop.journey(page, 'checkout', async () => {
        await page.goto('/');
        await addToCart(page, 5);
        await page.getByTestId('cart-link').click();
        const cartTotal = await page.getByTestId('cart-total').innerText();
        await page.getByTestId('checkout-button').click();
        await fillAddress(page);
        await page.getByTestId('payment-paypal').check();
        await expectText(page.getByTestId('order-total'), cartTotal);
        await shop.screenshot(page, 'checkout');
        await page.getByTestId('place-order-button').click();

        await expectVisible(page.getByTestId('order-confirmation'), 30_000);
        orderId = (await page.getByTestId('order-number').innerText()).replace('#', '');
        assert.match(orderId, /^\d+$/);
        await expectText(page.getByTestId('order-status'), /^confirmed$/i);
        await expectText(page.getByTestId('confirmation-total'), cartTotal);
        await expectText(page.getByTestId('cart-count'), '0');
        await shop.screenshot(page, 'order-confirmation');

        await page.getByTestId('view-order').click();
        await expectText(page.getByTestId('order-detail-status'), /^confirmed$/i);
        await expectText(page.getByTestId('order-detail-total'), cartTotal);
        await shop.screenshot(page, 'order-detail');

        await page.getByTestId('orders-link').click();
        await expectVisible(page.getByTestId(`order-${orderId}`));
        await expectText(page.getByTestId(`order-status-${orderId}`), /^confirmed$/i);
        await expectText(page.getByTestId(`order-total-${orderId}`), cartTotal);
        await shop.screenshot(page, 'orders');
      });

      const admin = await shop.newPage('admin');
      await shop.journey(admin, 'mailbox', async () => {
        await admin.goto(`/admin/mailbox?orderId=${orderId}`);
        // The mail leaves through shop-api's outbox, so it may arrive a moment after the answer.
        await eventually(
          'the confirmation mail',
          async () => {
            await admin.getByTestId('mailbox-refresh').click();
            const subjects = await admin.getByTestId('mail-subject').allInnerTexts();
            return subjects.find((s) => new RegExp(`\\b${orderId}\\b`).test(s) && /confirm/i.test(s));
          },
          { timeoutMs: 30_000, intervalMs: 500 },
        );
        await expectVisible(admin.locator('.mail').filter({ hasText: 'mario' }).first());
        await shop.screenshot(admin, 'admin-mailbox');
      });
    },
  );

  test(
    'a declined card is explained, nothing is charged and the failed order shows its reason',
    { timeout: 90_000 },
    async () => {
      const page = await shop.newPage('mario');
      await shop.journey(page, 'decline', async () => {
        await page.goto('/');
        await addToCart(page, 10);
        await page.getByTestId('cart-link').click();
        await page.getByTestId('checkout-button').click();
        await fillAddress(page);
        await page.getByTestId('payment-test-decline').check();
        await page.getByTestId('place-order-button').click();
        await expectText(
          page.getByTestId('checkout-error-declined'),
          /payment was declined.*not been charged/i,
          30_000,
        );
        assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on the declined checkout');
        await shop.screenshot(page, 'checkout-declined');

        // The cart is given back, so the shopper can simply pick another method.
        await page.getByTestId('cart-link').click();
        await expectVisible(page.getByTestId('cart-item-10'));

        await page.getByTestId('orders-link').click();
        const failed = page
          .locator('[data-testid^="order-status-"]')
          .filter({ hasText: /failed/i })
          .first();
        await expectVisible(failed);
        const id = (await failed.getAttribute('data-testid'))!.replace('order-status-', '');
        await expectText(page.getByTestId(`order-reason-${id}`), /payment declined/i);
      });
    },
  );

  test(
    'blocked sees that the account is not allowed to check out, and the server refuses too',
    { timeout: 60_000 },
    async () => {
      const page = await shop.newPage('blocked');
      await shop.journey(page, 'blocked', async () => {
        await page.goto('/');
        await addToCart(page, 4);
        await page.getByTestId('cart-link').click();
        await page.getByTestId('checkout-button').click();
        await expectText(
          page.getByTestId('checkout-not-allowed'),
          /Your account is not allowed to check out/,
        );
        await expectDisabled(page.getByTestId('place-order-button'));
        assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on the refused checkout');
        await shop.screenshot(page, 'checkout-blocked');

        // The button is only a hint: shop-api enforces the permission whatever the page sends.
        const refused = await fetchFromPage(page, '/api/checkout', {
          method: 'POST',
          csrf: true,
          headers: { 'Idempotency-Key': 'e2e-blocked-attempt' },
          body: {
            shippingAddress: {
              firstName: 'B',
              lastName: 'Locked',
              address: 'Via X 1',
              city: 'Roma',
              zipCode: '00100',
              phone: '+39 06 1234567',
            },
            paymentMethod: 'credit-card',
          },
        });
        assert.equal(refused.status, 403);
        assert.equal((refused.body as { code?: string }).code, 'SHOP_CHECKOUT_FORBIDDEN');
      });
    },
  );

  test(
    'the pages obey the strict CSP, name every control (error states too), and fit a phone screen',
    { timeout: 90_000 },
    async () => {
      const page = await shop.newPage('mario');
      const watch = watchPage(page);
      await shop.journey(page, 'csp-a11y', async () => {
        await page.goto('/');
        await addToCart(page, 1); // so /cart and /checkout show their forms
        for (const path of [
          '/',
          '/products/1',
          '/cart',
          '/checkout',
          '/orders',
          '/profile',
          '/no/such/page',
          '/products/999999', // error state: product not found
          '/orders/999999', // error state: order not found
          '/admin/products', // error state: forbidden to a shopper
        ]) {
          await page.goto(path);
          await expectVisible(page.locator('h1'));
          await expectCount(page.getByTestId('loading'), 0);
          assert.deepEqual(await unnamedControls(page), [], `unnamed controls on ${path}`);
        }
        await expectVisible(page.getByTestId('forbidden'));

        // Error state: checkout with missing fields names the problem on each field.
        await page.goto('/checkout');
        await page.getByTestId('place-order-button').click();
        await expectVisible(page.getByTestId('checkout-error-invalid'));
        assert.equal(await page.getByTestId('first-name').getAttribute('aria-invalid'), 'true');
        assert.equal(await focusedTestId(page), 'first-name', 'focus moves to the first missing field');
        assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on the invalid checkout');
        assert.deepEqual(watch.problems, []);

        // Keyboard: the skip link comes first.
        await page.goto('/');
        await expectVisible(page.getByTestId('product-1'));
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');

        // A phone: no page scrolls sideways.
        await page.setViewportSize({ width: 390, height: 844 });
        for (const [path, ready, name] of [
          ['/', '[data-testid="product-1"]', 'catalog-mobile'],
          ['/cart', '[data-testid="cart-item-1"]', 'cart-mobile'],
          ['/checkout', '[data-testid="place-order-button"]', 'checkout-mobile'],
          ['/orders', '[data-testid^="order-status-"]', 'orders-mobile'],
        ] as const) {
          await page.goto(path);
          await expectVisible(page.locator(ready).first());
          await expectCount(page.getByTestId('loading'), 0);
          const overflow = await sidewaysOverflow(page);
          assert.ok(
            overflow.px <= 0,
            `${path} scrolls sideways by ${overflow.px}px on a phone: ${overflow.culprits.join(' | ')}`,
          );
          await shop.screenshot(page, name);
        }
      });
    },
  );

  test(
    'a keyboard-only shopper goes from a product through the cart and checkout to a placed order',
    { timeout: 90_000 },
    async () => {
      const page = await shop.newPage('mario');
      await shop.journey(page, 'keyboard-checkout', async () => {
        await page.goto('/products/8');
        await expectVisible(page.locator('[data-testid="cart-count"][data-state="ready"]'));
        const before = Number(await page.getByTestId('cart-count').innerText());
        await tabTo(page, page.getByTestId('add-to-cart-8'));
        await page.keyboard.press('Enter');
        await expectText(page.getByTestId('cart-count'), String(before + 1));

        await tabTo(page, page.getByTestId('cart-link'));
        await page.keyboard.press('Enter');
        await expectVisible(page.getByTestId('cart-item-8'));
        await tabTo(page, page.getByTestId('increase-8'));
        await page.keyboard.press('Enter');
        await expectText(page.getByTestId('quantity-8'), '2');
        await tabTo(page, page.getByTestId('checkout-button'));
        await page.keyboard.press('Enter');
        await expectVisible(page.getByTestId('first-name'));

        // The fields come in reading order: one Tab from each leads to the next.
        await tabTo(page, page.getByTestId('first-name'));
        for (const [testId, value] of Object.entries(ADDRESS)) {
          assert.equal(await focusedTestId(page), testId, 'the Tab order follows the form');
          await page.keyboard.type(value);
          await page.keyboard.press('Tab');
        }
        // The radio group is one Tab stop; the arrow keys pick the method.
        assert.equal(await focusedTestId(page), 'payment-credit-card');
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.getByTestId('payment-paypal').isChecked(), true);
        await tabTo(page, page.getByTestId('place-order-button'));
        await page.keyboard.press('Enter');
        await expectVisible(page.getByTestId('order-confirmation'), 30_000);
        await expectText(page.getByTestId('order-status'), /^confirmed$/i);
      });
    },
  );

  test('profile, the 404 page, and no admin area for a shopper', { timeout: 60_000 }, async () => {
    const page = await shop.newPage('mario');
    await shop.journey(page, 'profile-404', async () => {
      await page.goto('/profile');
      await expectText(page.getByTestId('profile-username'), 'mario');
      await expectText(page.getByTestId('profile-can-checkout'), 'Yes');
      await shop.screenshot(page, 'profile');

      await page.goto('/admin/products');
      await expectVisible(page.getByTestId('forbidden'));
      const write = await fetchFromPage(page, '/api/products/1', {
        method: 'PUT',
        csrf: true,
        body: { price: 1 },
      });
      assert.equal(write.status, 403);

      await page.goto('/no/such/page');
      await expectVisible(page.getByTestId('not-found'));
      await shop.screenshot(page, 'not-found');

      // Signed in, /login sends the visitor straight on to returnTo, but never off the site.
      const shopOrigin = new URL(shop.gatewayUrl).origin;
      for (const offSite of ['//evil.example/', '/\\evil.example/', 'https://evil.example/']) {
        await page.goto(`/login?returnTo=${encodeURIComponent(offSite)}`);
        await page.waitForURL((url) => url.origin === shopOrigin && url.pathname === '/');
        await expectVisible(page.getByTestId('product-1'));
      }
      await page.goto(`/login?returnTo=${encodeURIComponent('/orders?page=1')}`);
      await page.waitForURL((url) => url.origin === shopOrigin && url.pathname === '/orders');
    });
  });
});
