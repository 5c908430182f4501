import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, startHarness, type Harness } from '../testing/harness.ts';

/**
 * A commit whose answer is lost is in doubt: the saga asks inventory and never assumes. These run
 * the real shop-api against the fakes (which can commit and then lose the answer).
 */
describe('checkout: a commit in doubt is resolved by asking', { timeout: 90_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  async function shopper(username: string) {
    const headers = bearer(await h.userToken(username));
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers,
      payload: { productId: 5, quantity: 1 },
    });
    assert.equal(res.statusCode, 200);
    return headers;
  }
  const checkout = (headers: Record<string, string>, key: string) =>
    h.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { ...headers, 'idempotency-key': key },
      payload: { shippingAddress: ADDRESS, paymentMethod: 'credit-card' },
    });
  const orderRow = async (id: number) =>
    (
      await h.db.query<{ status: string; status_reason: string | null; charge_id: string | null }>(
        'SELECT * FROM orders WHERE id = $1',
        [id],
      )
    ).rows[0]!;
  const history = async (id: number) =>
    (
      await h.db.query<{ status: string }>(
        'SELECT status FROM order_status_history WHERE order_id = $1 ORDER BY id',
        [id],
      )
    ).rows.map((r) => r.status);
  const mails = async (id: number) =>
    (
      await h.db.query<{ event_id: string }>('SELECT event_id FROM outbox WHERE order_id = $1', [id])
    ).rows.map((r) => r.event_id);

  test('inventory committed but the answer was lost → asked, found committed, confirmed with the charge kept', async () => {
    const headers = await shopper('doubt-lost');
    h.inventory.faults.commit = 'lost-answer';
    let res;
    try {
      res = await checkout(headers, randomUUID());
    } finally {
      delete h.inventory.faults.commit;
    }
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().order.id as number;
    assert.equal((await orderRow(id)).status, 'confirmed');
    assert.equal(h.inventory.reservations.get(String(id))?.status, 'committed');
    assert.equal(h.payment.charges.find((c) => c.orderId === String(id))?.status, 'succeeded');
    assert.equal(h.payment.refunds.length, 0, 'nothing refunded');
    assert.deepEqual(await mails(id), [`order-${id}-confirmed`]);
  });

  test('inventory unreachable at commit → 503 naming the order as paid, nothing undone; recovery confirms it later and the key then answers 201', async () => {
    const headers = await shopper('doubt-down');
    const key = randomUUID();
    h.inventory.faults.commit = 'down';
    let res;
    try {
      res = await checkout(headers, key);
    } finally {
      delete h.inventory.faults.commit;
    }
    assert.equal(res.statusCode, 503, res.body);
    const problem = res.json();
    assert.equal(problem.code, 'SHOP_DEPENDENCY_UNAVAILABLE');
    assert.equal(problem.orderStatus, 'paid');
    const id = problem.orderId as number;
    assert.equal(typeof id, 'number');
    const row = await orderRow(id);
    assert.equal(row.status, 'paid');
    assert.ok(row.charge_id, 'the charge is recorded for recovery');
    assert.equal(h.inventory.reservations.get(String(id))?.status, 'held', 'the hold is kept');
    assert.equal(h.payment.charges.find((c) => c.orderId === String(id))?.status, 'succeeded');
    assert.deepEqual(await mails(id), [], 'no mail before the outcome is known');

    // A replay tells the order as it is now (still paid), not a stale answer.
    const early = await checkout(headers, key);
    assert.equal(early.statusCode, 503);
    assert.equal(early.json().orderStatus, 'paid');

    await h.db.query("UPDATE orders SET updated_at = now() - interval '10 minutes' WHERE id = $1", [id]);
    const counts = await h.recovery.runOnce();
    assert.equal(counts.confirmed, 1);
    assert.equal((await orderRow(id)).status, 'confirmed');
    assert.equal(h.inventory.reservations.get(String(id))?.status, 'committed');
    assert.deepEqual(await mails(id), [`order-${id}-confirmed`]);
    const replay = await checkout(headers, key);
    assert.equal(replay.statusCode, 201, replay.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.json().order.id, id);
    const stored = await h.db.query<{ status: string }>(
      "SELECT outcome ->> 'status' AS status FROM idempotency_keys WHERE order_id = $1",
      [id],
    );
    assert.equal(stored.rows[0]!.status, 'confirmed');
  });

  test('the hold expired before the commit → refunding is recorded before the refund, then failed; the key answers the failure', async () => {
    const headers = await shopper('doubt-expired');
    const key = randomUUID();
    // The hold expires while the charge is under way.
    h.payment.faults.charge = 'slow';
    h.payment.delayMs = 300;
    const pending = checkout(headers, key);
    try {
      const deadline = Date.now() + 5000;
      let held: { status: string } | undefined;
      while (!held && Date.now() < deadline) {
        held = [...h.inventory.reservations.entries()].find(
          ([, r]) => r.status === 'held' && r.items.some((i) => i.productId === 5),
        )?.[1];
        if (!held) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.ok(held, 'the hold was made');
      held.status = 'expired';
    } finally {
      delete h.payment.faults.charge;
    }
    const res = await pending;
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().orderStatus, 'failed');
    assert.equal(res.json().reason, 'reservation_expired');
    const id = res.json().orderId as number;
    assert.deepEqual(await history(id), ['pending', 'reserved', 'paid', 'refunding', 'failed']);
    assert.equal(h.payment.charges.find((c) => c.orderId === String(id))?.status, 'refunded');
    assert.deepEqual(await mails(id), [`order-${id}-failed`]);
    const replay = await checkout(headers, key);
    assert.equal(replay.statusCode, 503);
    assert.equal(replay.json().orderId, id);
    assert.equal(replay.json().orderStatus, 'failed');
  });

  test('a saga interrupted by an unexpected error still answers with the order: its id and its current status', async () => {
    const headers = await shopper('interrupted');
    const key = randomUUID();
    // While the charge is under way, someone else (an admin, a recovery replica) moves the order.
    h.payment.faults.charge = 'slow';
    h.payment.delayMs = 300;
    const pending = checkout(headers, key);
    try {
      const deadline = Date.now() + 5000;
      let moved = 0;
      while (moved === 0 && Date.now() < deadline) {
        moved =
          (
            await h.db.query(
              "UPDATE orders SET status = 'cancelled' WHERE id = (SELECT max(id) FROM orders) AND status = 'reserved'",
            )
          ).rowCount ?? 0;
        if (moved === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(moved, 1);
    } finally {
      delete h.payment.faults.charge;
    }
    const res = await pending;
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(typeof res.json().orderId, 'number');
    assert.equal(res.json().orderStatus, 'cancelled');
    const stored = await h.db.query<{ status: string }>(
      "SELECT outcome ->> 'status' AS status FROM idempotency_keys WHERE order_id = $1",
      [res.json().orderId],
    );
    assert.equal(stored.rows[0]!.status, 'cancelled', 'the outcome is stored for the key');
  });
});
