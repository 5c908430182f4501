import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, startHarness, type Harness } from '../testing/harness.ts';
import { chargeAsTheSaga, insertStuckOrder } from '../testing/stuck-order.ts';

describe('recovery worker', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  /** A pending order as a crashed checkout leaves it (cart consumed, nothing else), made old. */
  async function stuckOrder(
    username: string,
    status: 'pending' | 'reserved' | 'paid' | 'refunding',
    key?: string,
  ) {
    const token = await h.userToken(username);
    await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: bearer(token),
      payload: { productId: 3, quantity: 1 },
    });
    const id = await insertStuckOrder(h, username, status);
    if (key)
      await h.db.query(
        'INSERT INTO idempotency_keys (user_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)',
        [username, key, 'h', id],
      );
    return id;
  }
  const order = async (id: number) =>
    (
      await h.db.query<{ status: string; status_reason: string; compensation_pending: boolean }>(
        'SELECT * FROM orders WHERE id = $1',
        [id],
      )
    ).rows[0]!;
  const reserve = (id: number) =>
    h.downstream.inventory.reserve(String(id), [{ productId: 3, quantity: 1 }], 600);
  const charge = (id: number) => chargeAsTheSaga(h, id);

  test('paid with stock still held → committed and confirmed, notification enqueued, idempotent answer stored', async () => {
    const id = await stuckOrder('crash1', 'paid', 'k-recover-1');
    await reserve(id);
    await charge(id);
    const counts = await h.recovery.runOnce();
    assert.equal(counts.confirmed, 1);
    assert.equal((await order(id)).status, 'confirmed');
    assert.equal(h.inventory.reservations.get(String(id))?.status, 'committed');
    assert.equal(
      (await h.db.query('SELECT 1 FROM outbox WHERE event_id = $1', [`order-${id}-confirmed`])).rows.length,
      1,
    );
    const key = await h.db.query<{ status: string }>(
      "SELECT outcome ->> 'status' AS status FROM idempotency_keys WHERE order_id = $1",
      [id],
    );
    assert.equal(key.rows[0]!.status, 'confirmed');
  });

  test('reserved but never charged → released and failed (abandoned)', async () => {
    const id = await stuckOrder('crash2', 'reserved');
    await reserve(id);
    await h.recovery.runOnce();
    const o = await order(id);
    assert.equal(o.status, 'failed');
    assert.equal(o.status_reason, 'abandoned');
    assert.equal(h.inventory.reservations.get(String(id))?.status, 'released');
  });

  test('charged but the hold expired → refunded and failed', async () => {
    const id = await stuckOrder('crash3', 'paid');
    await reserve(id);
    h.inventory.reservations.get(String(id))!.status = 'expired';
    await charge(id);
    await h.recovery.runOnce();
    assert.equal((await order(id)).status_reason, 'reservation_expired');
    assert.equal(h.payment.charges.find((c) => c.orderId === String(id))?.status, 'refunded');
  });

  test('a young in-flight order is left alone (its request may still be running)', async () => {
    const id = await stuckOrder('young', 'pending');
    await h.db.query('UPDATE orders SET updated_at = now() WHERE id = $1', [id]);
    await h.recovery.runOnce();
    assert.equal((await order(id)).status, 'pending');
  });

  test('dependencies down → nothing changes, retried on a later pass; a failed compensation is finished later', async () => {
    const id = await stuckOrder('crash4', 'reserved');
    await reserve(id);
    h.payment.faults.list = 'down';
    h.payment.faults.void = 'down';
    try {
      const counts = await h.recovery.runOnce();
      assert.equal(counts.error, 1);
      assert.equal((await order(id)).status, 'reserved');
    } finally {
      delete h.payment.faults.list;
      delete h.payment.faults.void;
    }
    await h.db.query('UPDATE orders SET recovery_lease_until = NULL WHERE id = $1', [id]);
    await h.recovery.runOnce();
    assert.equal((await order(id)).status, 'failed');

    // A failed order whose stray charge could not be refunded yet.
    const late = await stuckOrder('crash5', 'pending');
    await charge(late);
    await h.db.query(
      `UPDATE orders SET status = 'failed', status_reason = 'payment_unavailable', compensation_pending = true, updated_at = now() - interval '10 minutes' WHERE id = $1`,
      [late],
    );
    const counts = await h.recovery.runOnce();
    assert.equal(counts.compensated, 1);
    assert.equal((await order(late)).compensation_pending, false);
    assert.equal(h.payment.charges.find((c) => c.orderId === String(late))?.status, 'refunded');
  });

  test('a charge still in flight when recovery gives the order up can never land afterwards', async () => {
    const id = await stuckOrder('crash6', 'reserved');
    await reserve(id);
    await h.db.query(
      "INSERT INTO order_status_history (order_id, status) VALUES ($1, 'pending'), ($1, 'reserved')",
      [id],
    );
    const counts = await h.recovery.runOnce();
    assert.equal(counts.failed, 1);
    assert.equal((await order(id)).status_reason, 'abandoned');
    // The request the crashed checkout had sent arrives only now: payment refuses it.
    const late = await charge(id).catch((error: Error) => error);
    assert.ok(late instanceof Error, 'the late charge must not succeed');
    assert.equal(h.payment.charges.filter((c) => c.orderId === String(id)).length, 0);
  });

  test('a failed order whose charge outcome was unknown gets the charge that did land refunded', async () => {
    const id = await stuckOrder('crash7', 'reserved');
    await reserve(id);
    await h.db.query("INSERT INTO order_status_history (order_id, status) VALUES ($1, 'reserved')", [id]);
    await charge(id);
    await h.db.query(
      `UPDATE orders SET status = 'failed', status_reason = 'payment_unavailable', compensation_pending = true WHERE id = $1`,
      [id],
    );
    const counts = await h.recovery.runOnce();
    assert.equal(counts.compensated, 1);
    assert.equal(h.payment.charges.find((c) => c.orderId === String(id))?.status, 'refunded');
  });

  test('reserved, its charge refunded and its stock committed (a crash after the refund) → never confirmed: the sale is reversed and the order fails', async () => {
    const id = await stuckOrder('crash8', 'reserved', 'k-recover-8');
    await reserve(id);
    const before = h.inventory.stock.get(3)!.onHand;
    const { chargeId } = (await charge(id)) as { chargeId: string };
    await h.downstream.inventory.commit(String(id));
    await h.downstream.payment.refund(chargeId, 'order failed', `order-${id}-refund-${chargeId}`);
    const refundsBefore = h.payment.refunds.length;

    const counts = await h.recovery.runOnce();
    assert.equal(counts.failed, 1);
    const o = await order(id);
    assert.equal(o.status, 'failed');
    assert.equal(o.status_reason, 'payment_refunded');
    assert.equal(h.inventory.reservations.get(String(id))?.status, 'reversed');
    assert.equal(h.inventory.stock.get(3)!.onHand, before, 'the stock is back on the shelf');
    assert.equal(h.payment.refunds.length, refundsBefore, 'nothing refunded twice');
    const mails = await h.db.query<{ event_id: string }>('SELECT event_id FROM outbox WHERE order_id = $1', [
      id,
    ]);
    assert.deepEqual(
      mails.rows.map((r) => r.event_id),
      [`order-${id}-failed`],
    );
    const history = await h.db.query<{ status: string }>(
      'SELECT status FROM order_status_history WHERE order_id = $1 ORDER BY id',
      [id],
    );
    assert.deepEqual(
      history.rows.map((r) => r.status),
      ['refunding', 'failed'],
    );
    const key = await h.db.query<{ outcome: { id: number; status: string; statusReason: string } }>(
      'SELECT outcome FROM idempotency_keys WHERE order_id = $1',
      [id],
    );
    const { outcome } = key.rows[0]!;
    assert.deepEqual([outcome.id, outcome.status, outcome.statusReason], [id, 'failed', 'payment_refunded']);
  });

  test('refunding (the intent was written, then the process died) → the refund is finished and the order fails, never confirmed', async () => {
    // The refund was not sent yet.
    const notYet = await stuckOrder('crash9', 'refunding');
    await h.db.query("UPDATE orders SET status_reason = 'reservation_expired' WHERE id = $1", [notYet]);
    await reserve(notYet);
    await charge(notYet);
    // The refund was booked, the final write was not.
    const booked = await stuckOrder('crash10', 'refunding');
    await h.db.query("UPDATE orders SET status_reason = 'reservation_expired' WHERE id = $1", [booked]);
    await reserve(booked);
    const { chargeId } = (await charge(booked)) as { chargeId: string };
    await h.downstream.payment.refund(chargeId, 'order failed', `order-${booked}-refund-${chargeId}`);
    const refundsBefore = h.payment.refunds.length;

    const counts = await h.recovery.runOnce();
    assert.equal(counts.failed, 2);
    for (const id of [notYet, booked]) {
      const o = await order(id);
      assert.equal(o.status, 'failed');
      assert.equal(o.status_reason, 'reservation_expired');
      assert.equal(o.compensation_pending, false);
      assert.equal(h.payment.charges.find((c) => c.orderId === String(id))?.status, 'refunded');
      assert.equal(h.inventory.reservations.get(String(id))?.status, 'released');
    }
    assert.equal(h.payment.refunds.length, refundsBefore + 1, 'only the missing refund was booked');
  });
});
