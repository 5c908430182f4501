/**
 * Admin journeys in a real browser: a price change shows up in the shop (catalog, detail and the
 * cart's server-side prices), products are created and deleted, all orders, the mailbox and the
 * fault switches are reachable — and none of it is open to a shopper.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectCount, expectHidden, expectText, expectValue, expectVisible } from './support/expect.ts';
import { sidewaysOverflow, unnamedControls, watchPage } from './support/page-checks.ts';
import { fetchFromPage, startShop, type Shop } from './support/shop.ts';
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
      await admin.getByTestId('admin-link').click();
      await expectVisible(admin.getByTestId('products-table'));
      await expectText(admin.getByTestId('product-row-price-3'), '€119.99');
      await shop.screenshot(admin, 'admin-products');
      await admin.getByTestId('edit-3').click();
      await expectVisible(admin.getByRole('dialog'));
      await admin.getByTestId('edit-price').fill('99.50');
      await admin.getByTestId('submit-edit').click();
      await expectHidden(admin.getByRole('dialog'));
      await expectText(admin.getByTestId('product-row-price-3'), '€99.50');
    });

    const visitor = await shop.newPage();
    await shop.journey(visitor, 'price-in-shop', async () => {
      await visitor.goto('/');
      await expectText(visitor.getByTestId('product-price-3'), '€99.50');
      await visitor.goto('/products/3');
      await expectText(visitor.getByTestId('product-detail-price'), '€99.50');
      await visitor.getByTestId('add-to-cart-3').click();
      await expectText(visitor.getByTestId('cart-count'), '1');
      await visitor.getByTestId('cart-link').click();
      await expectText(visitor.getByTestId('unit-price-3'), '€99.50');
      await expectText(visitor.getByTestId('cart-total'), '€99.50');
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
        await admin.getByTestId('show-create-form').click();
        await admin.getByTestId('create-name').fill(name);
        await admin.getByTestId('create-price').fill('12.34');
        await admin.getByTestId('create-category').selectOption('accessories');
        await admin.getByTestId('create-stock').fill('5');
        await admin.getByTestId('create-description').fill('Created by the browser tests.');
        await admin.getByTestId('submit-create').click();
        const row = admin.locator('[data-testid^="product-row-"]').filter({ hasText: name });
        await expectVisible(row);
        const id = (await row.getAttribute('data-testid'))!.replace('product-row-', '');
        await expectText(admin.getByTestId(`product-row-price-${id}`), '€12.34');
        await expectText(admin.getByTestId(`product-row-stock-${id}`), '5');

        await admin.goto(`/?search=${encodeURIComponent(name)}`);
        await expectText(admin.getByTestId(`product-price-${id}`), '€12.34');
        await expectText(admin.getByTestId(`product-stock-${id}`), /5/);

        await admin.goto('/admin/products');
        await admin.getByTestId(`delete-${id}`).click();
        await admin.getByTestId('confirm-delete').click();
        await expectHidden(admin.getByTestId(`product-row-${id}`));
        await admin.goto(`/products/${id}`);
        await expectVisible(admin.getByTestId('product-not-found'));
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
        await shopper.getByTestId('add-to-cart-2').click();
        await expectText(shopper.getByTestId('cart-count'), /^[1-9]/);
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
        await expectText(admin.getByTestId(`admin-order-status-${orderId}`), /^confirmed$/i);
        await shop.screenshot(admin, 'admin-orders');
        await admin.getByTestId(`cancel-order-${orderId}`).click();
        await admin.getByTestId('confirm-cancel-order').click();
        await expectText(admin.getByTestId(`admin-order-status-${orderId}`), /^refunded$/i, 30_000);

        await admin.getByTestId('admin-tab-faults').click();
        await expectText(admin.getByTestId('fault-payment-current'), 'none');
        const payment = admin.getByTestId('fault-payment');
        await payment.getByLabel('Mode').selectOption('decline');
        await payment.getByLabel('For the next N calls (optional)').fill('1');
        await payment.getByRole('button', { name: 'Apply' }).click();
        await expectText(admin.getByTestId('fault-payment-current'), 'decline');
        await shop.screenshot(admin, 'admin-faults');
        await payment.getByRole('button', { name: 'Reset' }).click();
        await expectText(admin.getByTestId('fault-payment-current'), 'none');
      });

      await shop.journey(shopper, 'refund-seen-by-shopper', async () => {
        await shopper.goto(`/orders/${orderId}`);
        await expectText(shopper.getByTestId('order-detail-status'), /^refunded$/i);
        await expectText(shopper.getByTestId('order-history'), /refunded/i);
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
        await expectText(admin.getByTestId('product-row-stock-7'), '1');
      });

      const shopper = await shop.newPage('mario');
      await shop.journey(shopper, 'out-of-stock', async () => {
        await shopper.goto('/products/7');
        await expectText(shopper.getByTestId('product-detail-stock'), /1/);
        await shopper.getByTestId('add-to-cart-7').click();
        await expectText(shopper.getByTestId('cart-count'), '1');
        await shopper.getByTestId('cart-link').click();
        await shopper.getByTestId('increase-7').click();
        await expectText(shopper.getByTestId('quantity-7'), '2');
        await shopper.getByTestId('checkout-button').click();
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
        await expectText(
          shopper.getByTestId('checkout-error-out-of-stock'),
          /Portable SSD 1TB \(only 1 left\)/,
          30_000,
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
        await shopper.getByTestId('add-to-cart-5').click();
        await expectText(shopper.getByTestId('cart-count'), /^[1-9]/);
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
        await expectValue(admin.getByTestId('edit-stock'), String(before.onHand));
        await admin.getByTestId('edit-price').fill('55.00');
        const sent = admin.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/api/products/5'));
        await admin.getByTestId('submit-edit').click();
        assert.equal(
          'stock' in ((await sent).postDataJSON() as object),
          false,
          'a price edit must not send stock',
        );
        await expectHidden(admin.getByRole('dialog'));
      });

      const placed = await placing!;
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const sold = await level();
      assert.deepEqual([sold.onHand, sold.reserved], [before.onHand - 1, 0], 'exactly the sold unit left');

      await shop.journey(admin, 'admin-stock-changed', async () => {
        await admin.goto('/admin/products');
        await admin.getByTestId('edit-5').click();
        await expectValue(admin.getByTestId('edit-stock'), String(sold.onHand));
        // Another admin (or a sale) moves the figure while this form is open.
        const moved = await fetchFromPage(admin, '/api/admin/stock/5', {
          method: 'PUT',
          csrf: true,
          body: { onHand: sold.onHand + 10, expectedOnHand: sold.onHand },
        });
        assert.equal(moved.status, 200, JSON.stringify(moved.body));
        await admin.getByTestId('edit-stock').fill(String(sold.onHand + 3));
        await admin.getByTestId('submit-edit').click();
        await expectText(admin.getByTestId('edit-error'), /stock changed while this form was open/i);
        assert.equal((await level()).onHand, sold.onHand + 10, 'the refused edit changed nothing');

        await admin.getByTestId('cancel-edit').click();
        await admin.getByTestId('edit-5').click();
        await expectValue(admin.getByTestId('edit-stock'), String(sold.onHand + 10));
        await admin.getByTestId('edit-stock').fill(String(sold.onHand + 3));
        await admin.getByTestId('submit-edit').click();
        await expectHidden(admin.getByRole('dialog'));
        await expectText(admin.getByTestId('product-row-stock-5'), String(sold.onHand + 3));
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
          await expectVisible(admin.locator('h1'));
          await expectCount(admin.getByTestId('loading'), 0);
          await noUnnamed(path);
        }

        await admin.goto('/admin/products');
        await admin.getByTestId('show-create-form').click();
        await noUnnamed('the create form');
        await admin.getByTestId('submit-create').click();
        await expectVisible(admin.getByTestId('create-error'));
        await noUnnamed('the create form with an error');
        await admin.getByTestId('cancel-create').click();
        await admin.getByTestId('edit-1').click();
        await expectVisible(admin.getByRole('dialog'));
        await noUnnamed('the edit dialog');
        await admin.keyboard.press('Escape');
        await expectHidden(admin.getByRole('dialog'));
        await admin.getByTestId('delete-1').click();
        await expectVisible(admin.getByRole('dialog'));
        await noUnnamed('the delete dialog');
        await admin.getByTestId('cancel-delete').click();
        await expectHidden(admin.getByRole('dialog'));
        assert.deepEqual(watch.problems, []);

        // A phone: wide tables scroll inside their frame, the page itself never sideways.
        await admin.setViewportSize({ width: 390, height: 844 });
        for (const [path, table] of [
          ['/admin/products', 'products-table'],
          ['/admin/orders', 'admin-orders-table'],
        ] as const) {
          await admin.goto(path);
          await expectVisible(admin.getByTestId(table));
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
        await expectVisible(page.getByTestId('logout-button'));
        await expectHidden(page.getByTestId('admin-link'));
        await page.goto('/admin/mailbox');
        await expectVisible(page.getByTestId('forbidden'));
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
