import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { ADDRESS } from '../testing/harness.ts';
import { readKey } from './idempotency-repository.ts';
import { writePendingOrder, type PendingOrderInput } from './pending-order-repository.ts';
import type { Queryable } from '../lib/db.ts';

/**
 * Checkout's first step is one statement (no explicit transaction): these tests hold it to what
 * the transaction it replaced guaranteed — all or nothing, one order per key, one order per cart.
 */
describe('writing the pending order', { timeout: 60_000 }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ migrationsDir: new URL('../../migrations/', import.meta.url) });
  });
  after(async () => t?.drop());

  const input = (user: string, key?: string): PendingOrderInput => ({
    userId: user,
    userEmail: `${user}@techstore.test`,
    userName: user,
    cartKey: `user:${user}`,
    shippingAddress: ADDRESS,
    paymentMethod: 'credit-card',
    ...(key ? { idempotency: { key, requestHash: `hash-of-${key}` } } : {}),
  });
  async function fillCart(user: string, lines: [productId: number, quantity: number][]) {
    for (const [productId, quantity] of lines)
      await t.db.query('INSERT INTO cart_items (cart_key, product_id, quantity) VALUES ($1, $2, $3)', [
        `user:${user}`,
        productId,
        quantity,
      ]);
  }
  const cartOf = async (user: string) =>
    (
      await t.db.query<{ product_id: number; quantity: number }>(
        'SELECT product_id, quantity FROM cart_items WHERE cart_key = $1 ORDER BY product_id',
        [`user:${user}`],
      )
    ).rows;
  const count = async (sql: string, params: unknown[]) =>
    (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;
  const price = async (id: number) =>
    (await t.db.query<{ p: number }>('SELECT price_minor AS p FROM products WHERE id = $1', [id])).rows[0]!.p;

  test('one statement writes the order priced from the catalog, its items, its history and its key', async () => {
    await fillCart('ana', [
      [3, 2],
      [1, 1],
    ]);
    const statements: string[] = [];
    const counting: Queryable = {
      query: ((sql: string, ...rest: unknown[]) => {
        statements.push(sql);
        return (t.db.query as (...a: unknown[]) => unknown)(sql, ...rest);
      }) as Queryable['query'],
    };
    const written = await writePendingOrder(counting, input('ana', 'key-ana-0000001'));
    assert.equal(statements.length, 1, 'one round trip, no BEGIN/COMMIT');
    assert.equal(written.kind, 'created');
    if (written.kind !== 'created') return;
    const { order } = written;
    assert.equal(order.status, 'pending');
    assert.equal(order.total_minor, 2 * (await price(3)) + (await price(1)));
    assert.equal(order.currency.trim(), 'EUR');
    assert.deepEqual(order.shipping_address, ADDRESS);
    assert.ok(order.created_at instanceof Date);
    assert.deepEqual(written.lines, [
      { product_id: 1, quantity: 1 },
      { product_id: 3, quantity: 2 },
    ]);
    assert.deepEqual(await cartOf('ana'), [], 'the cart was taken');
    const items = await t.db.query(
      'SELECT product_id, quantity FROM order_items WHERE order_id = $1 ORDER BY 1',
      [order.id],
    );
    assert.deepEqual(items.rows, [
      { product_id: 1, quantity: 1 },
      { product_id: 3, quantity: 2 },
    ]);
    assert.equal(
      await count("order_status_history WHERE order_id = $1 AND status = 'pending'", [order.id]),
      1,
    );
    const key = await readKey(t.db, 'ana', 'key-ana-0000001');
    assert.equal(key?.orderId, order.id);
    assert.equal(key?.requestHash, 'hash-of-key-ana-0000001');
  });

  test('an empty cart leaves no trace: the key stays free for the checkout that can happen', async () => {
    const orders = await count('orders', []);
    assert.deepEqual(await writePendingOrder(t.db, input('ben', 'key-ben-0000001')), { kind: 'cart-empty' });
    assert.equal(await readKey(t.db, 'ben', 'key-ben-0000001'), undefined, 'the key was not claimed');
    assert.equal(await count('orders', []), orders, 'no order');
    await fillCart('ben', [[2, 1]]);
    const written = await writePendingOrder(t.db, input('ben', 'key-ben-0000001'));
    assert.equal(written.kind, 'created');
  });

  test('a key claimed before stops everything else: the cart stays, no order', async () => {
    await fillCart('cy', [[4, 1]]);
    assert.equal((await writePendingOrder(t.db, input('cy', 'key-cy-00000001'))).kind, 'created');
    await fillCart('cy', [[5, 3]]);
    const orders = await count('orders', []);
    assert.deepEqual(await writePendingOrder(t.db, input('cy', 'key-cy-00000001')), { kind: 'key-taken' });
    assert.deepEqual(await cartOf('cy'), [{ product_id: 5, quantity: 3 }]);
    assert.equal(await count('orders', []), orders);
  });

  test('twenty concurrent writes with one key: one order, the others find the key taken', async () => {
    await fillCart('dee', [[6, 1]]);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => writePendingOrder(t.db, input('dee', 'key-dee-0000001'))),
    );
    assert.equal(results.filter((r) => r.kind === 'created').length, 1);
    assert.equal(results.filter((r) => r.kind === 'key-taken').length, 19);
    assert.equal(await count('orders WHERE user_id = $1', ['dee']), 1);
  });

  test('twenty concurrent writes with twenty keys on one cart: one order, no other key claimed', async () => {
    await fillCart('eve', [
      [7, 1],
      [8, 2],
    ]);
    const keys = Array.from({ length: 20 }, (_, i) => `key-eve-${String(i).padStart(7, '0')}`);
    const results = await Promise.all(keys.map((key) => writePendingOrder(t.db, input('eve', key))));
    assert.equal(results.filter((r) => r.kind === 'created').length, 1);
    assert.equal(results.filter((r) => r.kind === 'cart-empty').length, 19);
    assert.equal(await count('orders WHERE user_id = $1', ['eve']), 1);
    assert.equal(
      await count('order_items i JOIN orders o ON o.id = i.order_id WHERE o.user_id = $1', ['eve']),
      2,
    );
    assert.equal(
      await count('idempotency_keys WHERE user_id = $1', ['eve']),
      1,
      'only the winner kept its key',
    );
  });

  test('without a key, a double submit makes one order', async () => {
    await fillCart('fay', [[9, 1]]);
    const results = await Promise.all([
      writePendingOrder(t.db, input('fay')),
      writePendingOrder(t.db, input('fay')),
    ]);
    assert.deepEqual(results.map((r) => r.kind).sort(), ['cart-empty', 'created']);
    assert.equal(await count('orders WHERE user_id = $1', ['fay']), 1);
  });
});
