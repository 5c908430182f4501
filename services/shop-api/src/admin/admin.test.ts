import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, startHarness, type Harness } from '../testing/harness.ts';

describe('orders, profile and administration', { timeout: 60_000 }, () => {
  let h: Harness;
  let marioOrder: number;
  before(async () => {
    h = await startHarness();
    const headers = bearer(await h.userToken('mario'));
    await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers,
      payload: { productId: 10, quantity: 3 },
    });
    marioOrder = (
      await h.app.inject({
        method: 'POST',
        url: '/api/checkout',
        headers,
        payload: { shippingAddress: ADDRESS, paymentMethod: 'bank-transfer' },
      })
    ).json().order.id;
  });
  after(async () => h?.close());

  test('a user sees their own orders, newest first, with items and lifecycle', async () => {
    const list = (
      await h.app.inject({ url: '/api/orders', headers: bearer(await h.userToken('mario')) })
    ).json();
    assert.equal(list.length, 1);
    assert.deepEqual(list[0].items, [
      {
        productId: 10,
        productName: 'Cable Organizer Set',
        quantity: 3,
        price: 14.99,
        priceMinor: 1499,
        lineTotalMinor: 4497,
      },
    ]);
    const page = (
      await h.app.inject({ url: '/api/orders?pageSize=5', headers: bearer(await h.userToken('mario')) })
    ).json();
    assert.equal(page.total, 1);
    const one = await h.app.inject({
      url: `/api/orders/${marioOrder}`,
      headers: bearer(await h.userToken('mario')),
    });
    assert.equal(one.json().status, 'confirmed');
  });

  test("another user's order is 404, exactly like a missing one (no enumeration)", async () => {
    const luigi = bearer(await h.userToken('luigi'));
    const foreign = await h.app.inject({ url: `/api/orders/${marioOrder}`, headers: luigi });
    const missing = await h.app.inject({ url: '/api/orders/99999', headers: luigi });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().code, missing.json().code);
    assert.deepEqual((await h.app.inject({ url: '/api/orders', headers: luigi })).json(), []);
    assert.equal((await h.app.inject({ url: '/api/orders' })).statusCode, 401);
    const svc = await h.issuer.serviceToken({ clientId: 'shop-api', audience: 'shop-api' });
    assert.equal((await h.app.inject({ url: '/api/orders', headers: bearer(svc) })).statusCode, 403);
  });

  test('profile mirrors the original shape from the token', async () => {
    const profile = (
      await h.app.inject({ url: '/api/user/profile', headers: bearer(await h.adminToken()) })
    ).json();
    assert.equal(profile.username, 'admin');
    assert.equal(profile.role, 'admin');
    assert.equal(profile.canCheckout, true);
    assert.ok(profile.roles.includes('admin'));
    const blocked = (
      await h.app.inject({
        url: '/api/user/profile',
        headers: bearer(await h.userToken('blocked', { realmRoles: ['user'] })),
      })
    ).json();
    assert.equal(blocked.canCheckout, false);
    assert.equal(blocked.role, 'user');
  });

  test('every admin route: mario → 403, anonymous → 401', async () => {
    const mario = bearer(await h.userToken('mario'));
    const routes = [
      ['GET', '/api/admin/orders'],
      ['GET', `/api/admin/orders/${marioOrder}`],
      ['POST', `/api/admin/orders/${marioOrder}/cancel`],
      ['GET', '/api/admin/stock'],
      ['GET', '/api/admin/stock/1'],
      ['PUT', '/api/admin/stock/1'],
      ['GET', '/api/admin/mailbox'],
      ['GET', '/api/admin/faults/payment'],
      ['PUT', '/api/admin/faults/payment'],
    ] as const;
    for (const [method, url] of routes) {
      const payload =
        method === 'PUT' ? (url.includes('stock') ? { onHand: 1 } : { mode: 'decline' }) : undefined;
      assert.equal(
        (await h.app.inject({ method, url, headers: mario, payload })).statusCode,
        403,
        `${method} ${url}`,
      );
      assert.equal((await h.app.inject({ method, url, payload })).statusCode, 401, `${method} ${url}`);
    }
    assert.equal(h.inventory.stock.get(1)!.onHand, 100, 'nothing changed');
  });

  test('admin lists all orders with filters and sees stock, mailbox and faults through shop-api', async () => {
    const admin = bearer(await h.adminToken());
    const orders = (
      await h.app.inject({ url: '/api/admin/orders?status=confirmed&page=1', headers: admin })
    ).json();
    assert.equal(orders.total, 1);
    const stock = await h.app.inject({
      method: 'PUT',
      url: '/api/admin/stock/2',
      headers: admin,
      payload: { onHand: 42 },
    });
    assert.equal(stock.statusCode, 200);
    assert.equal(stock.json().onHand, 42);
    assert.equal(
      (await h.app.inject({ url: '/api/admin/stock/2', headers: admin })).json().items[0].onHand,
      42,
    );
    assert.equal(
      (
        await h.app.inject({
          method: 'PUT',
          url: '/api/admin/stock/2',
          headers: admin,
          payload: { onHand: -1 },
        })
      ).statusCode,
      400,
    );
    await h.dispatcher.runOnce();
    const mailbox = (
      await h.app.inject({ url: `/api/admin/mailbox?orderId=${marioOrder}`, headers: admin })
    ).json();
    assert.equal(mailbox.items.length, 1);
    const tooMany = await h.app.inject({ url: '/api/admin/mailbox?limit=101', headers: admin });
    assert.equal(tooMany.statusCode, 400, 'refused here, with the same bound as notification');
    assert.equal(tooMany.json().code, 'KIT_VALIDATION_FAILED');
    const fault = await h.app.inject({
      method: 'PUT',
      url: '/api/admin/faults/payment',
      headers: admin,
      payload: { mode: 'decline', remaining: 1 },
    });
    assert.equal(fault.statusCode, 200);
    assert.deepEqual((await h.app.inject({ url: '/api/admin/faults/payment', headers: admin })).json(), {
      mode: 'decline',
      remaining: 1,
    });
    assert.equal((await h.app.inject({ url: '/api/admin/faults/billing', headers: admin })).statusCode, 400);
  });

  test('admin cancels a confirmed order → full refund, status refunded with the reason, mail enqueued', async () => {
    const admin = bearer(await h.adminToken());
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/admin/orders/${marioOrder}/cancel`,
      headers: admin,
      payload: { note: 'customer request' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'refunded');
    assert.equal(res.json().statusReason, 'cancelled_by_admin');
    assert.equal(h.payment.charges.find((c) => c.orderId === String(marioOrder))?.status, 'refunded');
    assert.equal(
      (await h.db.query('SELECT 1 FROM outbox WHERE event_id = $1', [`order-${marioOrder}-refunded`])).rows
        .length,
      1,
    );
    const again = await h.app.inject({
      method: 'POST',
      url: `/api/admin/orders/${marioOrder}/cancel`,
      headers: admin,
      payload: {},
    });
    assert.equal(again.statusCode, 409);
  });

  test('fault switches are not registered in production', async () => {
    const prod = await import('../testing/harness.ts').then((m) =>
      m.startHarness({ NODE_ENV: 'production', KEYCLOAK_PUBLIC_URL: 'https://auth.example.test' }),
    );
    try {
      const res = await prod.app.inject({
        url: '/api/admin/faults/payment',
        headers: bearer(await prod.adminToken()),
      });
      assert.equal(res.statusCode, 404);
    } finally {
      await prod.close();
    }
  });

  test('OpenAPI docs are served at /api-docs and /api/docs', async () => {
    for (const url of ['/api-docs/json', '/api/docs/json']) {
      const spec = (await h.app.inject({ url })).json();
      assert.ok(spec.paths['/api/checkout'].post, url);
      assert.ok(spec.paths['/api/admin/orders/{id}/cancel'], url);
    }
  });
});
