import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, startHarness, type Harness } from '../testing/harness.ts';

describe('catalog', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  test('lists the ten seed products as a plain array with prices in both units and live availability', async () => {
    h.inventory.stock.set(2, { onHand: 3, reserved: 0 });
    h.inventory.stock.set(3, { onHand: 5, reserved: 5 });
    const res = await h.app.inject({ method: 'GET', url: '/api/products' });
    assert.equal(res.statusCode, 200);
    const products = res.json();
    assert.equal(products.length, 10);
    assert.deepEqual(products[0], {
      id: 1,
      name: 'Laptop ProBook 15',
      description: products[0].description,
      category: 'electronics',
      icon: '💻',
      image: null,
      price: 899.99,
      priceMinor: 89999,
      currency: 'EUR',
      stock: 100,
      availability: 'in_stock',
    });
    assert.equal(products[1].availability, 'low_stock');
    assert.equal(products[2].availability, 'out_of_stock');
  });

  test('filters by category, searches name and description case-insensitively, sorts like the original', async () => {
    const acc = (await h.app.inject({ url: '/api/products?category=accessories' })).json();
    assert.deepEqual(
      acc.map((p: { id: number }) => p.id),
      [4, 9, 10],
    );
    const search = (await h.app.inject({ url: '/api/products?search=LAPTOP' })).json();
    assert.deepEqual(
      search.map((p: { id: number }) => p.id),
      [1, 9],
    );
    const literal = (await h.app.inject({ url: '/api/products?search=%25' })).json();
    assert.deepEqual(literal, [], 'LIKE wildcards in the search are literal');
    const asc = (await h.app.inject({ url: '/api/products?sort=price-asc' })).json();
    assert.equal(asc[0].name, 'Cable Organizer Set');
    const desc = (await h.app.inject({ url: '/api/products?sort=price-desc' })).json();
    assert.equal(desc[0].name, 'Laptop ProBook 15');
    const byName = (await h.app.inject({ url: '/api/products?sort=name' })).json();
    assert.equal(byName[0].name, 'Cable Organizer Set');
    assert.equal(byName[9].name, 'Wireless Mouse');
  });

  test('pages when page or pageSize is given', async () => {
    const res = await h.app.inject({ url: '/api/products?page=2&pageSize=4' });
    assert.equal(res.statusCode, 200);
    const page = res.json();
    assert.deepEqual(
      { ...page, items: page.items.map((p: { id: number }) => p.id) },
      { items: [5, 6, 7, 8], page: 2, pageSize: 4, total: 10, totalPages: 3 },
    );
  });

  test('rejects bad query parameters with 400 problem+json', async () => {
    for (const url of [
      '/api/products?sort=random',
      '/api/products?pageSize=1000',
      '/api/products?evil=1',
      '/api/products/abc',
    ]) {
      const res = await h.app.inject({ url });
      assert.equal(res.statusCode, 400, url);
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
      assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
    }
  });

  test('product detail and 404 for an unknown id', async () => {
    assert.equal((await h.app.inject({ url: '/api/products/7' })).json().name, 'Portable SSD 1TB');
    const missing = await h.app.inject({ url: '/api/products/999' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'SHOP_PRODUCT_NOT_FOUND');
  });

  test('categories in catalog order', async () => {
    assert.deepEqual((await h.app.inject({ url: '/api/categories' })).json(), [
      'electronics',
      'accessories',
      'audio',
      'storage',
    ]);
  });

  test('stays up with availability unknown when inventory is down', async () => {
    h.inventory.faults.stock = 'down';
    try {
      const res = await h.app.inject({ url: '/api/products' });
      assert.equal(res.statusCode, 200);
      assert.ok(
        res
          .json()
          .every(
            (p: { stock: null; availability: string }) => p.stock === null && p.availability === 'unknown',
          ),
      );
    } finally {
      delete h.inventory.faults.stock;
    }
  });

  test('stays fast with availability unknown when inventory is slow', async () => {
    h.inventory.faults.stock = 'slow';
    h.inventory.delayMs = 3000;
    try {
      const started = Date.now();
      const res = await h.app.inject({ url: '/api/products/1' });
      assert.equal(res.json().availability, 'unknown');
      assert.ok(Date.now() - started < 2000, 'bounded by CATALOG_STOCK_TIMEOUT_MS');
    } finally {
      delete h.inventory.faults.stock;
    }
  });
});

describe('product administration', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  const body = { name: 'Desk Lamp', description: 'LED lamp', category: 'accessories', price: 24.5, stock: 7 };

  test('anonymous → 401, a user without admin → 403, a service account → 403; nothing created', async () => {
    const anon = await h.app.inject({ method: 'POST', url: '/api/products', payload: body });
    assert.equal(anon.statusCode, 401);
    assert.match(anon.headers['www-authenticate'] as string, /^Bearer realm="techstore"/);
    const mario = await h.app.inject({
      method: 'POST',
      url: '/api/products',
      payload: body,
      headers: bearer(await h.userToken('mario')),
    });
    assert.equal(mario.statusCode, 403);
    assert.equal(mario.json().code, 'AUTH_INSUFFICIENT_SCOPE');
    const svc = await h.issuer.serviceToken({
      clientId: 'shop-api',
      audience: 'shop-api',
      realmRoles: ['admin'],
    });
    for (const method of ['PUT', 'DELETE'] as const) {
      const res = await h.app.inject({
        method,
        url: '/api/products/1',
        payload: method === 'PUT' ? { price: 1 } : undefined,
        headers: bearer(await h.userToken('mario')),
      });
      assert.equal(res.statusCode, 403, method);
    }
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/api/products', payload: body, headers: bearer(svc) }))
        .statusCode,
      403,
    );
    const otherAudience = await h.issuer.userToken({
      username: 'admin',
      realmRoles: ['admin'],
      audience: 'payment-service',
    });
    assert.equal(
      (
        await h.app.inject({
          method: 'POST',
          url: '/api/products',
          payload: body,
          headers: bearer(otherAudience),
        })
      ).statusCode,
      401,
    );
    assert.equal((await h.app.inject({ url: '/api/products' })).json().length, 10);
  });

  test('admin creates a product with its stock in inventory; prices come in minor units', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/products',
      payload: body,
      headers: bearer(await h.adminToken()),
    });
    assert.equal(res.statusCode, 201);
    const product = res.json();
    assert.equal(product.priceMinor, 2450);
    assert.equal(product.price, 24.5);
    assert.equal(product.stock, 7);
    assert.deepEqual(h.inventory.stock.get(product.id), { onHand: 7, reserved: 0 });
    const dup = await h.app.inject({
      method: 'POST',
      url: '/api/products',
      payload: { ...body, name: 'desk lamp' },
      headers: bearer(await h.adminToken()),
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'SHOP_PRODUCT_NAME_TAKEN');
  });

  test('bad input is 400 and changes nothing', async () => {
    const admin = bearer(await h.adminToken());
    const cases = [
      { ...body, name: 'A', price: 1.234 },
      { ...body, name: 'B', price: -1 },
      { ...body, name: 'C', category: 'garden' },
      { ...body, name: 'D', id: 99 },
      { ...body, name: 'E', image: 'javascript:alert(1)' },
      { ...body, name: '' },
    ];
    for (const payload of cases) {
      const res = await h.app.inject({ method: 'POST', url: '/api/products', payload, headers: admin });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
    const names = (await h.app.inject({ url: '/api/products' })).json().map((p: { name: string }) => p.name);
    for (const n of ['A', 'B', 'C', 'D', 'E']) assert.ok(!names.includes(n));
  });

  test('inventory down while creating → 503 and no product left behind', async () => {
    h.inventory.faults.adjust = 'down';
    try {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/products',
        payload: { ...body, name: 'Ghost' },
        headers: bearer(await h.adminToken()),
      });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().detail, undefined, '5xx details are masked');
      const names = (await h.app.inject({ url: '/api/products?search=Ghost' })).json();
      assert.deepEqual(names, []);
    } finally {
      delete h.inventory.faults.adjust;
    }
  });

  test('admin updates and deletes; a deleted product leaves every cart', async () => {
    const admin = bearer(await h.adminToken());
    const updated = await h.app.inject({
      method: 'PUT',
      url: '/api/products/9',
      payload: { price: 39.99 },
      headers: admin,
    });
    assert.equal(updated.statusCode, 200);
    assert.equal(updated.json().priceMinor, 3999);
    const cartId = 'cart_abcdefghijklmnop';
    await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      payload: { productId: 9 },
      headers: { 'x-cart-id': cartId },
    });
    const deleted = await h.app.inject({ method: 'DELETE', url: '/api/products/9', headers: admin });
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.json().success, true);
    assert.equal((await h.app.inject({ url: '/api/products/9' })).statusCode, 404);
    assert.deepEqual((await h.app.inject({ url: '/api/cart', headers: { 'x-cart-id': cartId } })).json(), []);
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: '/api/products/9', headers: admin })).statusCode,
      404,
    );
  });
});
