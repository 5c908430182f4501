import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { ADDRESS } from '../testing/harness.ts';
import { listOrders } from '../checkout/order-queries.ts';
import { transition } from '../checkout/orders-repository.ts';
import { insertOrder, type NewOrder } from '../testing/stored-orders.ts';
import { readOrderHistory, type OrderHistoryQuery } from './order-history.ts';
import type { Queryable } from '../lib/db.ts';

const orderHistoryJson = async (db: Queryable, query: OrderHistoryQuery) =>
  (await readOrderHistory(db, query)).json;

/**
 * The order history PostgreSQL writes must be the document order-view.ts builds from rows, field
 * for field, for orders of every shape: several items, every nullable field null and set, text
 * that needs JSON escaping, prices whose major form is awkward in binary, times with microseconds.
 */
describe('order history as JSON from PostgreSQL', { timeout: 60_000 }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ migrationsDir: new URL('../../migrations/', import.meta.url) });
    const order = (userId: string, items: NewOrder['items'], extra: Partial<NewOrder> = {}) =>
      insertOrder(t.db, {
        userId,
        userEmail: null,
        userName: userId,
        totalMinor: items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0),
        currency: 'EUR',
        shippingAddress: ADDRESS,
        paymentMethod: 'credit-card',
        items,
        ...extra,
      });
    const confirmed = await order('alice', [
      { productId: 7, productName: 'Portable SSD 1TB', quantity: 1, unitPriceMinor: 12999 },
      { productId: 2, productName: 'Wireless "Silent" Mouse \\ ✓', quantity: 3, unitPriceMinor: 7 },
      { productId: 4, productName: 'USB-C Hub', quantity: 2, unitPriceMinor: 1005 },
    ]);
    await transition(t.db, confirmed.id, ['pending'], 'reserved');
    await transition(t.db, confirmed.id, ['reserved'], 'confirmed', { chargeId: 'ch_1', reason: null }, [
      { status: 'paid', at: new Date('2026-01-02T03:04:05.678Z') },
    ]);
    const failed = await order(
      'alice',
      [{ productId: 1, productName: 'Laptop ProBook 15', quantity: 1, unitPriceMinor: 8000 }],
      { userEmail: 'alice@techstore.test', shippingAddress: { ...ADDRESS, city: 'Città\n"Nuova"' } },
    );
    await transition(t.db, failed.id, ['pending'], 'failed', {
      reason: 'out_of_stock',
      detail: 'Not enough stock: "Laptop" <1>',
      unavailable: [
        { productId: 1, productName: 'Laptop ProBook 15', requested: 1, available: 0 },
        { productId: 9, productName: 'Laptop Stand', requested: 4, available: 2 },
      ],
    });
    const withoutLines = await order('alice', [
      { productId: 10, productName: 'Cable Organizer Set', quantity: 99, unitPriceMinor: 1 },
    ]);
    await transition(t.db, withoutLines.id, ['pending'], 'cancelled', { reason: 'x', unavailable: [] });
    await order('alice', [{ productId: 5, productName: 'Webcam HD Pro', quantity: 1, unitPriceMinor: 7999 }]);
    await order('bob', [{ productId: 5, productName: 'Webcam HD Pro', quantity: 1, unitPriceMinor: 7999 }]);
    // Times with microseconds, and two orders at the same instant (ordered by id then).
    await t.db.query(
      `UPDATE orders SET created_at = '2026-03-04T05:06:07.891999Z', updated_at = '2026-03-04T05:06:08.000001Z'
        WHERE id IN ($1, $2)`,
      [confirmed.id, failed.id],
    );
  });
  after(async () => t?.drop());

  test('is the document order-view.ts builds, newest first, only the user’s orders', async () => {
    const expected = await listOrders(t.db, { userId: 'alice' });
    assert.equal((expected as unknown[]).length, 4);
    assert.deepEqual(JSON.parse(await orderHistoryJson(t.db, { userId: 'alice' })), expected);
    assert.deepEqual(JSON.parse(await orderHistoryJson(t.db, { userId: 'nobody' })), []);
  });

  test('writes numbers as JavaScript does (major units: shortest form)', async () => {
    const text = await orderHistoryJson(t.db, { userId: 'alice' });
    assert.match(text, /"price":0\.07,"priceMinor":7,"lineTotalMinor":21/);
    assert.match(text, /"price":10\.05,/);
    assert.match(text, /"total":80,"totalMinor":8000/);
    assert.match(text, /"createdAt":"2026-03-04T05:06:07\.891Z","updatedAt":"2026-03-04T05:06:08\.000Z"/);
  });

  test('pages like listOrders, with the same envelope', async () => {
    for (const [page, pageSize] of [
      [1, 2],
      [2, 3],
      [5, 1],
      [3, 20],
    ] as const)
      assert.deepEqual(
        JSON.parse(await orderHistoryJson(t.db, { userId: 'alice', page, pageSize })),
        await listOrders(t.db, { userId: 'alice', page, pageSize }),
      );
  });

  test('names every field: stored JSON with more in it does not reach the client', async () => {
    const before = await orderHistoryJson(t.db, { userId: 'alice' });
    const { rows } = await t.db.query(
      `UPDATE orders SET shipping_address = shipping_address || '{"internalNote": "vip"}',
                         unavailable = (SELECT jsonb_agg(line || '{"warehouse": "B"}') FROM jsonb_array_elements(unavailable) line)
        WHERE user_id = 'alice' AND jsonb_array_length(unavailable) > 0
        RETURNING id`,
    );
    assert.equal(rows.length, 1, 'the failed order now stores more than the schema declares');
    assert.equal(await orderHistoryJson(t.db, { userId: 'alice' }), before);
  });
});
