import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, eventually, startHarness, type Harness } from '../testing/harness.ts';
import { chargeAsTheSaga, insertStuckOrder } from '../testing/stuck-order.ts';

/**
 * Admin cancel of an order a dead checkout left in flight. The checkout's charge request can still
 * be travelling to payment (here: payment answers it late), so the cancel must settle the charge
 * the way recovery does — never trust "no charge listed yet".
 */
describe('admin cancel of a stuck order', { timeout: 60_000 }, () => {
  let h: Harness;
  let admin: { authorization: string };
  before(async () => {
    h = await startHarness();
    admin = bearer(await h.adminToken());
  });
  after(async () => h?.close());

  /** An order as a checkout that died while charging leaves it: reserved, stock held, old. */
  async function stuckReservedOrder(username: string): Promise<number> {
    const id = await insertStuckOrder(h, username, 'reserved');
    await h.db.query(
      "INSERT INTO order_status_history (order_id, status) VALUES ($1, 'pending'), ($1, 'reserved')",
      [id],
    );
    await h.downstream.inventory.reserve(String(id), [{ productId: 3, quantity: 1 }], 600);
    return id;
  }
  /** The dead checkout's charge request, with the key the saga uses. */
  const chargeRequest = (id: number) => chargeAsTheSaga(h, id);
  const cancel = (id: number) =>
    h.app.inject({ method: 'POST', url: `/api/admin/orders/${id}/cancel`, headers: admin, payload: {} });
  const kept = (id: number) =>
    h.payment.charges.filter((c) => c.orderId === String(id) && c.status === 'succeeded');

  test('a charge that payment answers only after the cancel can never land: the order is cancelled and no money is kept', async () => {
    const id = await stuckReservedOrder('late-charge');
    h.payment.faults.charge = 'slow';
    h.payment.delayMs = 600;
    try {
      const callsBefore = h.payment.calls.charge ?? 0;
      const late = chargeRequest(id).then(
        (answer) => ({ answer }),
        (error: unknown) => ({ error }),
      );
      await eventually(() => (h.payment.calls.charge ?? 0) > callsBefore); // it is at payment, unanswered

      const res = await cancel(id);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().status, 'cancelled');
      assert.equal(h.inventory.reservations.get(String(id))?.status, 'released');

      const outcome = await late;
      assert.ok(
        'error' in outcome || !outcome.answer.ok,
        `the late charge was refused: ${JSON.stringify(outcome)}`,
      );
      assert.deepEqual(kept(id), [], 'no successful charge survives the cancel');
    } finally {
      delete h.payment.faults.charge;
      h.payment.delayMs = 0;
    }
  });

  test('a charge that did land before the cancel is found through the settle and refunded', async () => {
    const id = await stuckReservedOrder('landed-charge');
    const charged = await chargeRequest(id);
    assert.ok(charged.ok);
    const res = await cancel(id);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'cancelled');
    assert.deepEqual(kept(id), []);
    assert.equal(h.payment.charges.find((c) => c.orderId === String(id))?.status, 'refunded');
  });

  test('payment unreachable → 503 and the order stays as it was', async () => {
    const id = await stuckReservedOrder('payment-down');
    h.payment.faults.void = 'down';
    h.payment.faults.list = 'down';
    try {
      const res = await cancel(id);
      assert.equal(res.statusCode, 503);
      const { rows } = await h.db.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [id]);
      assert.equal(rows[0]?.status, 'reserved');
    } finally {
      delete h.payment.faults.void;
      delete h.payment.faults.list;
    }
  });

  test('a young in-flight order belongs to a running checkout: 409, nothing settled', async () => {
    const id = await stuckReservedOrder('running');
    await h.db.query('UPDATE orders SET updated_at = now() WHERE id = $1', [id]);
    const voids = h.payment.calls.void ?? 0;
    const res = await cancel(id);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'SHOP_ORDER_NOT_CANCELLABLE');
    assert.equal(h.payment.calls.void ?? 0, voids);
  });

  test('a stuck paid order whose stock inventory committed (the commit was in doubt) is cancelled with the sale reversed and the charge refunded', async () => {
    const id = await stuckReservedOrder('committed-stock');
    await chargeRequest(id);
    await h.downstream.inventory.commit(String(id));
    const onHand = h.inventory.stock.get(3)!.onHand;
    const res = await cancel(id);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'cancelled');
    assert.equal(h.inventory.reservations.get(String(id))?.status, 'reversed');
    assert.equal(h.inventory.stock.get(3)!.onHand, onHand + 1, 'the unit is back on the shelf');
    assert.deepEqual(kept(id), [], 'no money kept');
  });
});
