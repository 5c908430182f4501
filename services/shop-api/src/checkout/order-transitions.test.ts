import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { ADDRESS } from '../testing/harness.ts';
import { readKey } from './idempotency-repository.ts';
import { claimKey, insertOrder } from '../testing/stored-orders.ts';
import { toOrderView } from './order-view.ts';
import { advance, OrderMovedConcurrently, settle } from './order-transitions.ts';
import type { OrderRow } from './orders-repository.ts';

/**
 * The writes the saga keeps (see order-saga.ts): each is all-or-nothing, so a crash between two
 * of them leaves an order the recovery worker can read, never a status without its history or a
 * final state without its notification and stored outcome.
 */
describe('order transitions', { timeout: 60_000 }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ migrationsDir: new URL('../../migrations/', import.meta.url) });
  });
  after(async () => t?.drop());

  async function pendingOrder(userId: string, key?: string): Promise<OrderRow> {
    return t.db.transaction(async (tx) => {
      if (key) await claimKey(tx, userId, key, 'hash');
      const order = await insertOrder(tx, {
        userId,
        userEmail: `${userId}@techstore.test`,
        userName: userId,
        totalMinor: 23998,
        currency: 'EUR',
        shippingAddress: ADDRESS,
        paymentMethod: 'credit-card',
        items: [{ productId: 3, productName: 'Mechanical Keyboard', quantity: 2, unitPriceMinor: 11999 }],
        idempotencyKey: key,
      });
      return order;
    });
  }
  const history = async (id: number) =>
    (
      await t.db.query<{ status: string; at: Date }>(
        'SELECT status, at FROM order_status_history WHERE order_id = $1 ORDER BY id',
        [id],
      )
    ).rows;
  const outbox = async (id: number) =>
    (await t.db.query<{ event_id: string }>('SELECT event_id FROM outbox WHERE order_id = $1', [id])).rows;

  test('the pending order is written with its items and first history row in one statement', async () => {
    const order = await pendingOrder('writer');
    assert.equal(order.status, 'pending');
    assert.equal(order.total_minor, 23998);
    assert.deepEqual(
      (await history(order.id)).map((h) => h.status),
      ['pending'],
    );
    const items = await t.db.query('SELECT * FROM order_items WHERE order_id = $1', [order.id]);
    assert.equal(items.rows.length, 1);
  });

  test('a step from a status the order is no longer in changes nothing, history included', async () => {
    const order = await pendingOrder('raced');
    await t.db.query(`UPDATE orders SET status = 'failed' WHERE id = $1`, [order.id]);
    await assert.rejects(advance(t.db, order, ['pending'], 'reserved'), OrderMovedConcurrently);
    assert.deepEqual(
      (await history(order.id)).map((h) => h.status),
      ['pending'],
    );
  });

  test('confirm: status, passed steps with their time, outbox row and the stored outcome together', async () => {
    const order = await pendingOrder('confirmer', 'k-confirm');
    await advance(t.db, order, ['pending'], 'reserved');
    const paidAt = new Date(Date.now() - 1500);
    const settled = await settle(
      t.db,
      order,
      ['reserved'],
      { status: 'confirmed', chargeId: 'ch_1' },
      { passed: [{ status: 'paid', at: paidAt }], storeOutcome: true },
    );
    assert.equal(settled.order.status, 'confirmed');
    assert.equal(settled.order.charge_id, 'ch_1');
    const steps = await history(order.id);
    assert.deepEqual(
      steps.map((h) => h.status),
      ['pending', 'reserved', 'paid', 'confirmed'],
    );
    assert.equal(new Date(steps[2]!.at).getTime(), paidAt.getTime(), 'paid keeps the time it happened');
    assert.deepEqual(
      (await outbox(order.id)).map((r) => r.event_id),
      [`order-${order.id}-confirmed`],
    );
    const key = await readKey(t.db, 'confirmer', 'k-confirm');
    assert.equal(key?.outcome?.status, 'confirmed');
    assert.deepEqual(key?.outcome, settled.view);
    // The view read in the moving statement is the order as stored: every item, the whole history.
    assert.deepEqual(settled.view, await toOrderView(t.db, settled.order));
    assert.equal(settled.view.items.length, 1);
  });

  test('an order moved meanwhile (recovery, admin) is not settled: no outbox row, no stored outcome', async () => {
    const order = await pendingOrder('loser', 'k-lost');
    await t.db.query(`UPDATE orders SET status = 'failed', status_reason = 'abandoned' WHERE id = $1`, [
      order.id,
    ]);
    await assert.rejects(
      settle(
        t.db,
        order,
        ['reserved'],
        { status: 'confirmed', chargeId: 'ch_2' },
        { passed: [{ status: 'paid', at: new Date() }], storeOutcome: true },
      ),
      OrderMovedConcurrently,
    );
    assert.deepEqual(await outbox(order.id), []);
    assert.deepEqual(
      (await history(order.id)).map((h) => h.status),
      ['pending'],
    );
    assert.equal((await readKey(t.db, 'loser', 'k-lost'))?.answered, false);
  });
});
