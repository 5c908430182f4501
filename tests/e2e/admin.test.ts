/**
 * Admin journeys in a real browser: a price change shows up in the shop (catalog, detail and the
 * cart's server-side prices), products are created and deleted, all orders, the mailbox and the
 * fault switches are reachable — and none of it is open to a shopper.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sidewaysOverflow, unnamedControls, watchPage } from './support/page-checks.ts';
import { expect, fetchFromPage, loadedCartBadge, startShop, type Shop } from './support/shop.ts';
import { describeOnEachIdentity } from '../support/identity-providers.ts';

const MARIO_ADDRESS = {
  firstName: 'Mario',
  lastName: 'Rossi',
  address: 'Via Roma 1',
  city: 'Bologna',
  zipCode: '40100',
  phone: '+39 051 1234567',
};

describeOnEachIdentity('administration in the browser', { timeout: 300_000 }, (provider) => {
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

  test('admin changes a price and the shop shows the new price', { timeout: 60_000 }, async () => {
    const admin = await shop.newPage('admin');
    await shop.journey(admin, 'admin-price', async () => {
      await admin.goto('/');
      await admin.getByRole('link', { name: 'Admin', exact: true }).click();
      await expect(admin.getByTestId('products-table')).toBeVisible();
      await expect(admin.getByTestId('product-row-price-3')).toHaveText('€119.99');
      await shop.screenshot(admin, 'admin-products');
      await admin.getByTestId('edit-3').click();
      await expect(admin.getByRole('dialog')).toBeVisible();
      await admin.getByTestId('edit-price').fill('99.50');
      await admin.getByTestId('submit-edit').click();
      await expect(admin.getByRole('dialog')).toBeHidden();
      await expect(admin.getByTestId('product-row-price-3')).toHaveText('€99.50');
    });

    const visitor = await shop.newPage();
    await shop.journey(visitor, 'price-in-shop', async () => {
      await visitor.goto('/');
      await expect(visitor.getByTestId('product-price-3')).toHaveText('€99.50');
      await visitor.goto('/products/3');
      await expect(visitor.getByTestId('product-detail-price')).toHaveText('€99.50');
      await expect(loadedCartBadge(visitor)).toBeVisible();
      await visitor.getByTestId('add-to-cart-3').click();
      await expect(visitor.getByTestId('cart-count')).toHaveText('1');
      await visitor.getByTestId('cart-link').click();
      await expect(visitor.getByTestId('unit-price-3')).toHaveText('€99.50');
      await expect(visitor.getByTestId('cart-total')).toHaveText('€99.50');
    });
  });

  test(
    'admin creates a product with stock, the shop lists it, and admin deletes it',
    { timeout: 60_000 },
    async () => {
      const admin = await shop.newPage('admin');
      const name = `E2E Gadget ${Date.now()}`;
      await shop.journey(admin, 'admin-create-delete', async () => {
        await admin.goto('/admin/products');
        await admin.getByRole('button', { name: 'New product' }).click();
        await admin.getByTestId('create-name').fill(name);
        await admin.getByTestId('create-price').fill('12.34');
        await admin.getByTestId('create-category').selectOption('accessories');
        await admin.getByTestId('create-stock').fill('5');
        await admin.getByTestId('create-description').fill('Created by the browser tests.');
        await admin.getByTestId('submit-create').click();
        const row = admin.locator('[data-testid^="product-row-"]').filter({ hasText: name });
        await expect(row).toBeVisible();
        const id = (await row.getAttribute('data-testid'))!.replace('product-row-', '');
        await expect(admin.getByTestId(`product-row-price-${id}`)).toHaveText('€12.34');
        await expect(admin.getByTestId(`product-row-stock-${id}`)).toHaveText('5');

        await admin.goto(`/?search=${encodeURIComponent(name)}`);
        await expect(admin.getByTestId(`product-price-${id}`)).toHaveText('€12.34');
        await expect(admin.getByTestId(`product-stock-${id}`)).toHaveText(/5/);

        await admin.goto('/admin/products');
        await admin.getByTestId(`delete-${id}`).click();
        await admin.getByTestId('confirm-delete').click();
        await expect(admin.getByTestId(`product-row-${id}`)).toBeHidden();
        await admin.goto(`/products/${id}`);
        await expect(admin.getByTestId('product-not-found')).toBeVisible();
      });
    },
  );

  test(
    'admin refunds a confirmed order, the shopper sees it refunded; fault switches flip through shop-api',
    { timeout: 90_000 },
    async () => {
      const shopper = await shop.newPage('mario');
      let orderId = 0;
      await shop.journey(shopper, 'order-for-refund', async () => {
        await shopper.goto('/products/2');
        await expect(loadedCartBadge(shopper)).toBeVisible();
        await shopper.getByTestId('add-to-cart-2').click();
        await expect(shopper.getByTestId('cart-count')).toHaveText(/^[1-9]/);
        const placed = await fetchFromPage(shopper, '/api/checkout', {
          method: 'POST',
          csrf: true,
          headers: { 'Idempotency-Key': crypto.randomUUID() },
          body: { shippingAddress: MARIO_ADDRESS, paymentMethod: 'credit-card' },
        });
        assert.equal(placed.status, 201, JSON.stringify(placed.body));
        orderId = (placed.body as { order: { id: number } }).order.id;
      });

      const admin = await shop.newPage('admin');
      await shop.journey(admin, 'admin-orders-faults', async () => {
        await admin.goto('/admin/orders');
        await expect(admin.getByTestId(`admin-order-status-${orderId}`)).toHaveText(/^confirmed$/i);
        await shop.screenshot(admin, 'admin-orders');
        await admin.getByTestId(`cancel-order-${orderId}`).click();
        await admin.getByTestId('confirm-cancel-order').click();
        await expect(admin.getByTestId(`admin-order-status-${orderId}`)).toHaveText(/^refunded$/i, {
          timeout: 30_000,
        });

        await admin.getByTestId('admin-tab-faults').click();
        await expect(admin.getByTestId('fault-payment-current')).toHaveText('none');
        const payment = admin.getByTestId('fault-payment');
        await payment.getByLabel('Mode').selectOption('decline');
        await payment.getByLabel('For the next N calls (optional)').fill('1');
        await payment.getByRole('button', { name: 'Apply' }).click();
        await expect(admin.getByTestId('fault-payment-current')).toHaveText('decline');
        await shop.screenshot(admin, 'admin-faults');
        await payment.getByRole('button', { name: 'Reset' }).click();
        await expect(admin.getByTestId('fault-payment-current')).toHaveText('none');
      });

      await shop.journey(shopper, 'refund-seen-by-shopper', async () => {
        await shopper.goto(`/orders/${orderId}`);
        await expect(shopper.getByTestId('order-detail-status')).toHaveText(/^refunded$/i);
        await expect(shopper.getByTestId('order-history')).toHaveText(/refunded/i);
      });
    },
  );

  test(
    'when an admin lowers the stock below what is in a cart, checkout says what is left',
    { timeout: 90_000 },
    async () => {
      const admin = await shop.newPage('admin');
      await shop.journey(admin, 'admin-stock', async () => {
        await admin.goto('/admin/products');
        await admin.getByTestId('edit-7').click();
        await admin.getByTestId('edit-stock').fill('1');
        await admin.getByTestId('submit-edit').click();
        await expect(admin.getByTestId('product-row-stock-7')).toHaveText('1');
      });

      const shopper = await shop.newPage('mario');
      await shop.journey(shopper, 'out-of-stock', async () => {
        await shopper.goto('/products/7');
        await expect(shopper.getByTestId('product-detail-stock')).toHaveText(/1/);
        await expect(loadedCartBadge(shopper)).toBeVisible();
        await shopper.getByTestId('add-to-cart-7').click();
        await expect(shopper.getByTestId('cart-count')).toHaveText('1');
        await shopper.getByTestId('cart-link').click();
        await shopper.getByTestId('increase-7').click();
        await expect(shopper.getByTestId('quantity-7')).toHaveText('2');
        await shopper.getByRole('link', { name: 'Proceed to checkout' }).click();
        const address = {
          'first-name': 'Mario',
          'last-name': 'Rossi',
          address: 'Via Roma 1',
          city: 'Bologna',
          'zip-code': '40100',
          phone: '+39 051 1234567',
        };
        for (const [testId, value] of Object.entries(address)) await shopper.getByTestId(testId).fill(value);
        await shopper.getByTestId('place-order-button').click();
        await expect(shopper.getByTestId('checkout-error-out-of-stock')).toHaveText(
          /Portable SSD 1TB \(only 1 left\)/,
          { timeout: 30_000 },
        );
        await shop.screenshot(shopper, 'checkout-out-of-stock');
      });
    },
  );

  test(
    'an edit starts from on-hand stock: units held by a checkout survive a price change, a sale made meanwhile is not overwritten',
    { timeout: 90_000 },
    async () => {
      type Level = { onHand: number; reserved: number; available: number };
      const admin = await shop.newPage('admin');
      await admin.goto('/admin/products');
      const level = async (): Promise<Level> => {
        const answer = await fetchFromPage(admin, '/api/admin/stock/5');
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        return (answer.body as { items: Level[] }).items[0]!;
      };
      const before = await level();

      const shopper = await shop.newPage('luigi');
      let placing: Promise<{ status: number; body: unknown }> | undefined;
      await shop.journey(shopper, 'checkout-holding-stock', async () => {
        await shopper.goto('/products/5');
        await expect(loadedCartBadge(shopper)).toBeVisible();
        await shopper.getByTestId('add-to-cart-5').click();
        await expect(shopper.getByTestId('cart-count')).toHaveText(/^[1-9]/);
        // A slow payment keeps the unit held (reserved, not yet sold) while the admin edits.
        const slow = await fetchFromPage(admin, '/api/admin/faults/payment', {
          method: 'PUT',
          csrf: true,
          body: { mode: 'slow', delayMs: 2_500, remaining: 1 },
        });
        assert.equal(slow.status, 200, JSON.stringify(slow.body));
        placing = fetchFromPage(shopper, '/api/checkout', {
          method: 'POST',
          csrf: true,
          headers: { 'Idempotency-Key': crypto.randomUUID() },
          body: { shippingAddress: { ...MARIO_ADDRESS, firstName: 'Luigi' }, paymentMethod: 'credit-card' },
        });
      });

      await shop.journey(admin, 'admin-edit-while-held', async () => {
        const deadline = Date.now() + 10_000;
        while ((await level()).reserved === 0) {
          assert.ok(Date.now() < deadline, 'the checkout never reserved the unit');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await admin.getByTestId('edit-5').click();
        // The field shows what inventory holds, not what shoppers can still buy.
        await expect(admin.getByTestId('edit-stock')).toHaveValue(String(before.onHand));
        await admin.getByTestId('edit-price').fill('55.00');
        const sent = admin.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/api/products/5'));
        await admin.getByTestId('submit-edit').click();
        assert.equal(
          'stock' in ((await sent).postDataJSON() as object),
          false,
          'a price edit must not send stock',
        );
        await expect(admin.getByRole('dialog')).toBeHidden();
      });

      const placed = await placing!;
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const sold = await level();
      assert.deepEqual([sold.onHand, sold.reserved], [before.onHand - 1, 0], 'exactly the sold unit left');

      await shop.journey(admin, 'admin-stock-changed', async () => {
        await admin.goto('/admin/products');
        await admin.getByTestId('edit-5').click();
        await expect(admin.getByTestId('edit-stock')).toHaveValue(String(sold.onHand));
        // Another admin (or a sale) moves the figure while this form is open.
        const moved = await fetchFromPage(admin, '/api/admin/stock/5', {
          method: 'PUT',
          csrf: true,
          body: { onHand: sold.onHand + 10, expectedOnHand: sold.onHand },
        });
        assert.equal(moved.status, 200, JSON.stringify(moved.body));
        await admin.getByTestId('edit-stock').fill(String(sold.onHand + 3));
        await admin.getByTestId('submit-edit').click();
        await expect(admin.getByTestId('edit-error')).toHaveText(/stock changed while this form was open/i);
        assert.equal((await level()).onHand, sold.onHand + 10, 'the refused edit changed nothing');

        await admin.getByTestId('cancel-edit').click();
        await admin.getByTestId('edit-5').click();
        await expect(admin.getByTestId('edit-stock')).toHaveValue(String(sold.onHand + 10));
        await admin.getByTestId('edit-stock').fill(String(sold.onHand + 3));
        await admin.getByTestId('submit-edit').click();
        await expect(admin.getByRole('dialog')).toBeHidden();
        await expect(admin.getByTestId('product-row-stock-5')).toHaveText(String(sold.onHand + 3));
      });
    },
  );

  test(
    'the admin pages obey the CSP, name every control (forms, dialogs, errors) and fit a phone',
    { timeout: 90_000 },
    async () => {
      const admin = await shop.newPage('admin');
      const watch = watchPage(admin);
      await shop.journey(admin, 'admin-a11y', async () => {
        const noUnnamed = async (where: string) =>
          assert.deepEqual(await unnamedControls(admin), [], `unnamed controls on ${where}`);
        for (const path of ['/admin/products', '/admin/orders', '/admin/mailbox', '/admin/faults']) {
          await admin.goto(path);
          await expect(admin.locator('h1')).toBeVisible();
          await expect(admin.getByTestId('loading')).toHaveCount(0);
          await noUnnamed(path);
        }

        await admin.goto('/admin/products');
        await admin.getByRole('button', { name: 'New product' }).click();
        await noUnnamed('the create form');
        await admin.getByTestId('submit-create').click();
        await expect(admin.getByTestId('create-error')).toBeVisible();
        await noUnnamed('the create form with an error');
        await admin.getByTestId('cancel-create').click();
        await admin.getByTestId('edit-1').click();
        await expect(admin.getByRole('dialog')).toBeVisible();
        await noUnnamed('the edit dialog');
        await admin.keyboard.press('Escape');
        await expect(admin.getByRole('dialog')).toBeHidden();
        await admin.getByTestId('delete-1').click();
        await expect(admin.getByRole('dialog')).toBeVisible();
        await noUnnamed('the delete dialog');
        await admin.getByTestId('cancel-delete').click();
        await expect(admin.getByRole('dialog')).toBeHidden();
        assert.deepEqual(watch.problems, []);

        // A phone: wide tables scroll inside their frame, the page itself never sideways.
        await admin.setViewportSize({ width: 390, height: 844 });
        for (const [path, table] of [
          ['/admin/products', 'products-table'],
          ['/admin/orders', 'admin-orders-table'],
        ] as const) {
          await admin.goto(path);
          await expect(admin.getByTestId(table)).toBeVisible();
          const overflow = await sidewaysOverflow(admin);
          assert.ok(
            overflow.px <= 0,
            `${path} scrolls sideways by ${overflow.px}px on a phone: ${overflow.culprits.join(' | ')}`,
          );
        }
        await shop.screenshot(admin, 'admin-orders-mobile');
      });
    },
  );

  test(
    'a shopper gets neither the admin link, the admin pages nor the admin API',
    { timeout: 60_000 },
    async () => {
      const page = await shop.newPage('mario');
      await shop.journey(page, 'shopper-not-admin', async () => {
        await page.goto('/');
        await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
        await expect(page.getByRole('link', { name: 'Admin', exact: true })).toBeHidden();
        await page.goto('/admin/mailbox');
        await expect(page.getByTestId('forbidden')).toBeVisible();
        for (const [method, path] of [
          ['GET', '/api/admin/orders'],
          ['GET', '/api/admin/mailbox'],
          ['DELETE', '/api/products/1'],
        ] as const) {
          const answer = await fetchFromPage(page, path, { method, csrf: method !== 'GET' });
          assert.equal(answer.status, 403, `${method} ${path}`);
        }
      });
    },
  );
});
