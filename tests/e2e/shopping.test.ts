/**
 * Shopper journeys in a real browser against the whole system (idp, services, gateway, built UI):
 * browse and add to the cart anonymously, log in through the idp's login page keeping that cart,
 * check out, find the order in the history and its confirmation mail in the mailbox, see a
 * decline explained, and see that a blocked account may not check out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expect, fetchFromPage, loadedCartBadge, startShop, type Shop } from './support/shop.ts';
import { describeOnEachIdentity } from '../support/identity-providers.ts';
import { focusedTestId, sidewaysOverflow, tabTo, unnamedControls, watchPage } from './support/page-checks.ts';

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
  const badge = loadedCartBadge(page);
  await expect(badge).toBeVisible();
  const before = Number(await badge.innerText());
  await page.getByTestId(`add-to-cart-${productId}`).click();
  await expect(page.getByTestId('cart-count')).toHaveText(String(before + 1));
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
        await expect(page.getByTestId('product-1')).toBeVisible();
        await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
        await shop.screenshot(page, 'catalog');

        await page.getByLabel('Search').fill('mouse');
        await expect(page.getByTestId('product-1')).toBeHidden();
        await expect(page.getByTestId('product-2')).toBeVisible();
        assert.match(page.url(), /search=mouse/);

        await page.getByRole('button', { name: 'Reset' }).click();
        await page.getByLabel('Category').selectOption('audio');
        await expect(page.getByTestId('product-1')).toBeHidden();
        await expect(page.getByTestId('product-6')).toBeVisible();

        await page.getByRole('button', { name: 'Reset' }).click();
        await page.getByLabel('Sort by').selectOption('price-desc');
        await expect(page.locator('.product-card h2').first()).toHaveText('Laptop ProBook 15');
        await page.getByLabel('Sort by').selectOption('price-asc');
        await expect(page.locator('.product-card h2').first()).toHaveText('Cable Organizer Set');

        // Two changes in one task, as a quick hand or a script makes them: the second must not bring
        // back what the first cleared (the router re-renders after a URL change, not at once).
        await page.getByLabel('Category').selectOption('audio');
        await expect(page.getByTestId('product-1')).toBeHidden();
        await page.evaluate(() => {
          document.querySelector<HTMLButtonElement>('[data-testid="reset-filters"]')!.click();
          const sortBy = document.querySelector<HTMLSelectElement>('[data-testid="sort-filter"]')!;
          sortBy.value = 'price-desc';
          sortBy.dispatchEvent(new Event('change', { bubbles: true }));
        });
        await expect(page.locator('.product-card h2').first()).toHaveText('Laptop ProBook 15');
        assert.doesNotMatch(page.url(), /category=/);

        // Pagination: the 10 seeded products at 6 per page make two pages; page and size live in the URL.
        await page.getByRole('button', { name: 'Reset' }).click();
        const cards = page.locator('.product-card');
        const names = () => page.locator('.product-card h2').allInnerTexts();
        await expect(cards).toHaveCount(10);
        await expect(page.getByTestId('pagination-status')).toBeHidden();
        await page.getByLabel('Per page').selectOption('6');
        await expect(page.getByTestId('pagination-status')).toHaveText('Page 1 of 2');
        await expect(cards).toHaveCount(6);
        assert.match(page.url(), /[?&]pageSize=6\b/);
        assert.doesNotMatch(page.url(), /[?&]page=/);
        await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
        const firstPage = await names();
        await page.getByRole('button', { name: 'Next' }).click();
        await expect(page.getByTestId('pagination-status')).toHaveText('Page 2 of 2');
        await expect(cards).toHaveCount(4);
        assert.match(page.url(), /[?&]page=2\b/);
        assert.match(page.url(), /[?&]pageSize=6\b/);
        await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
        const secondPage = await names();
        assert.deepEqual(
          firstPage.filter((name) => secondPage.includes(name)),
          [],
          'page 2 shows other products',
        );
        await page.getByRole('button', { name: 'Previous' }).click();
        await expect(page.getByTestId('pagination-status')).toHaveText('Page 1 of 2');
        await expect(cards).toHaveCount(6);
        assert.match(page.url(), /[?&]page=1\b/);
        assert.deepEqual(await names(), firstPage, 'back on page 1, the same products');
        await page.goBack();
        await expect(page.getByTestId('pagination-status')).toHaveText('Page 2 of 2');
        await expect(cards).toHaveCount(4);
        await page.getByRole('button', { name: 'Reset' }).click();
        await expect(cards).toHaveCount(10);

        await page.getByTestId('product-link-3').click();
        await expect(page.getByTestId('product-detail')).toBeVisible();
        await expect(page.getByTestId('product-detail-price')).toHaveText('€119.99');
        await shop.screenshot(page, 'product-detail');
        await addToCart(page, 3);
        await expect(
          page.getByRole('status').getByText('Mechanical Keyboard added to your cart.'),
        ).toBeVisible();

        await page.getByTestId('cart-link').click();
        await expect(page.getByTestId('quantity-3')).toHaveText('1');
        await page.getByTestId('increase-3').click();
        await expect(page.getByTestId('quantity-3')).toHaveText('2');
        await expect(page.getByTestId('cart-total')).toHaveText('€239.98');
        await expect(page.getByTestId('cart-count')).toHaveText('2');
        await shop.screenshot(page, 'cart');
        await page.getByTestId('decrease-3').click();
        await expect(page.getByTestId('quantity-3')).toHaveText('1');
        await page.getByTestId('remove-3').click();
        await expect(page.getByTestId('cart-empty')).toBeVisible();
        await expect(page.getByTestId('cart-count')).toHaveText('0');
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
        await expect(page.getByRole('link', { name: 'Orders', exact: true })).toBeVisible();
        await expect(page.getByRole('link', { name: 'Admin', exact: true })).toBeHidden();
        await page.getByTestId('cart-link').click();
        await expect(page.getByTestId('cart-item-2')).toBeVisible();
        await expect(page.getByTestId('cart-item-9')).toBeVisible();
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
        await page.getByRole('link', { name: 'Proceed to checkout' }).click();
        await fillAddress(page);
        await page.getByTestId('payment-paypal').check();
        await expect(page.getByTestId('order-total')).toHaveText(cartTotal);
        await shop.screenshot(page, 'checkout');
        await page.getByTestId('place-order-button').click();

        await expect(page.getByTestId('order-confirmation')).toBeVisible({ timeout: 30_000 });
        orderId = (await page.getByTestId('order-number').innerText()).replace('#', '');
        assert.match(orderId, /^\d+$/);
        await expect(page.getByTestId('order-status')).toHaveText(/^confirmed$/i);
        await expect(page.getByTestId('confirmation-total')).toHaveText(cartTotal);
        await expect(page.getByTestId('cart-count')).toHaveText('0');
        await shop.screenshot(page, 'order-confirmation');

        await page.getByRole('link', { name: 'View order' }).click();
        await expect(page.getByTestId('order-detail-status')).toHaveText(/^confirmed$/i);
        await expect(page.getByTestId('order-detail-total')).toHaveText(cartTotal);
        await shop.screenshot(page, 'order-detail');

        await page.getByRole('link', { name: 'Orders', exact: true }).click();
        await expect(page.getByTestId(`order-${orderId}`)).toBeVisible();
        await expect(page.getByTestId(`order-status-${orderId}`)).toHaveText(/^confirmed$/i);
        await expect(page.getByTestId(`order-total-${orderId}`)).toHaveText(cartTotal);
        await shop.screenshot(page, 'orders');
      });

      const admin = await shop.newPage('admin');
      await shop.journey(admin, 'mailbox', async () => {
        await admin.goto(`/admin/mailbox?orderId=${orderId}`);
        // The mail leaves through shop-api's outbox, so it may arrive a moment after the answer.
        const confirmationMail = admin
          .getByTestId('mail-subject')
          .filter({ hasText: new RegExp(`\\b${orderId}\\b`) })
          .filter({ hasText: /confirm/i });
        await expect(async () => {
          await admin.getByRole('button', { name: 'Refresh' }).click();
          await expect(confirmationMail).not.toHaveCount(0, { timeout: 500 });
        }).toPass({ timeout: 30_000 });
        await expect(admin.locator('.mail').filter({ hasText: 'mario' }).first()).toBeVisible();
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
        await page.getByRole('link', { name: 'Proceed to checkout' }).click();
        await fillAddress(page);
        await page.getByTestId('payment-test-decline').check();
        await page.getByTestId('place-order-button').click();
        await expect(page.getByTestId('checkout-error-declined')).toHaveText(
          /payment was declined.*not been charged/i,
          { timeout: 30_000 },
        );
        assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on the declined checkout');
        await shop.screenshot(page, 'checkout-declined');

        // The cart is given back, so the shopper can simply pick another method.
        await page.getByTestId('cart-link').click();
        await expect(page.getByTestId('cart-item-10')).toBeVisible();

        await page.getByRole('link', { name: 'Orders', exact: true }).click();
        const failed = page
          .locator('[data-testid^="order-status-"]')
          .filter({ hasText: /failed/i })
          .first();
        await expect(failed).toBeVisible();
        const id = (await failed.getAttribute('data-testid'))!.replace('order-status-', '');
        await expect(page.getByTestId(`order-reason-${id}`)).toHaveText(/payment declined/i);
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
        await page.getByRole('link', { name: 'Proceed to checkout' }).click();
        await expect(page.getByTestId('checkout-not-allowed')).toHaveText(
          /Your account is not allowed to check out/,
        );
        await expect(page.getByTestId('place-order-button')).toBeDisabled();
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
          await expect(page.locator('h1')).toBeVisible();
          await expect(page.getByTestId('loading')).toHaveCount(0);
          assert.deepEqual(await unnamedControls(page), [], `unnamed controls on ${path}`);
        }
        await expect(page.getByTestId('forbidden')).toBeVisible();

        // Error state: checkout with missing fields names the problem on each field.
        await page.goto('/checkout');
        await page.getByTestId('place-order-button').click();
        await expect(page.getByTestId('checkout-error-invalid')).toBeVisible();
        assert.equal(await page.getByTestId('first-name').getAttribute('aria-invalid'), 'true');
        assert.equal(await focusedTestId(page), 'first-name', 'focus moves to the first missing field');
        assert.deepEqual(await unnamedControls(page), [], 'unnamed controls on the invalid checkout');
        assert.deepEqual(watch.problems, []);

        // Keyboard: the skip link comes first.
        await page.goto('/');
        await expect(page.getByTestId('product-1')).toBeVisible();
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
          await expect(page.locator(ready).first()).toBeVisible();
          await expect(page.getByTestId('loading')).toHaveCount(0);
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
        await expect(loadedCartBadge(page)).toBeVisible();
        const before = Number(await page.getByTestId('cart-count').innerText());
        await tabTo(page, page.getByTestId('add-to-cart-8'));
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('cart-count')).toHaveText(String(before + 1));

        await tabTo(page, page.getByTestId('cart-link'));
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('cart-item-8')).toBeVisible();
        await tabTo(page, page.getByTestId('increase-8'));
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('quantity-8')).toHaveText('2');
        await tabTo(page, page.getByRole('link', { name: 'Proceed to checkout' }));
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('first-name')).toBeVisible();

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
        await expect(page.getByTestId('order-confirmation')).toBeVisible({ timeout: 30_000 });
        await expect(page.getByTestId('order-status')).toHaveText(/^confirmed$/i);
      });
    },
  );

  test(
    'an item added while the cart is still loading stays in the cart when the load answers late',
    { timeout: 60_000 },
    async () => {
      const page = await shop.newPage('mario');
      await shop.journey(page, 'add-during-cart-load', async () => {
        await page.goto('/');
        const before = Number(await loadedCartBadge(page).innerText());
        // The next cart load reaches shop-api at once, but its answer (the cart before the add) is
        // held back until the add has been answered, so the older answer arrives last.
        let addAnswered!: () => void;
        const added = new Promise<void>((resolve) => (addAnswered = resolve));
        let held = false;
        await page.route('**/api/cart', async (route) => {
          if (route.request().method() !== 'GET' || held) return route.continue();
          held = true;
          const response = await route.fetch();
          await added;
          await route.fulfill({ response });
        });
        page.on('response', (response) => {
          if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/cart')
            addAnswered();
        });
        await page.reload();
        await expect(page.getByTestId('cart-count')).toHaveAttribute('data-state', 'loading');
        await page.getByTestId('add-to-cart-2').click();
        await expect(loadedCartBadge(page)).toBeVisible();
        await expect(page.getByTestId('cart-count')).toHaveText(String(before + 1));
        await page.unroute('**/api/cart');
      });
    },
  );

  test('profile, the 404 page, and no admin area for a shopper', { timeout: 60_000 }, async () => {
    const page = await shop.newPage('mario');
    await shop.journey(page, 'profile-404', async () => {
      await page.goto('/profile');
      await expect(page.getByTestId('profile-username')).toHaveText('mario');
      await expect(page.getByTestId('profile-can-checkout')).toHaveText('Yes');
      await shop.screenshot(page, 'profile');

      await page.goto('/admin/products');
      await expect(page.getByTestId('forbidden')).toBeVisible();
      const write = await fetchFromPage(page, '/api/products/1', {
        method: 'PUT',
        csrf: true,
        body: { price: 1 },
      });
      assert.equal(write.status, 403);

      await page.goto('/no/such/page');
      await expect(page.getByTestId('not-found')).toBeVisible();
      await shop.screenshot(page, 'not-found');

      // Signed in, /login sends the visitor straight on to returnTo, but never off the site.
      const shopOrigin = new URL(shop.gatewayUrl).origin;
      for (const offSite of ['//evil.example/', '/\\evil.example/', 'https://evil.example/']) {
        await page.goto(`/login?returnTo=${encodeURIComponent(offSite)}`);
        await page.waitForURL((url) => url.origin === shopOrigin && url.pathname === '/');
        await expect(page.getByTestId('product-1')).toBeVisible();
      }
      await page.goto(`/login?returnTo=${encodeURIComponent('/orders?page=1')}`);
      await page.waitForURL((url) => url.origin === shopOrigin && url.pathname === '/orders');
    });
  });
});
