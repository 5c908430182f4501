import { compensate, type CompensationDeps } from './compensate-order.ts';
import { storeOutcome } from './idempotency-repository.ts';
import { advance, confirm, end } from './order-transitions.ts';
import { toOrderView } from './order-view.ts';
import { IN_FLIGHT, settleCompensation, type OrderRow } from './orders-repository.ts';
import { orderRef } from '../outbox/order-events.ts';
import type { Database } from '../lib/db.ts';
import { chargeToRefund, settleCharge } from './settle-charge.ts';

export interface RecoveryDeps extends CompensationDeps {
  db: Database;
}

export type RecoveryOutcome = 'confirmed' | 'failed' | 'compensated' | 'still-pending';

/**
 * Finishes an order a crashed or interrupted checkout left behind, from the facts downstream
 * (reservation status, the charge's settled net state) rather than from what we believe happened:
 * - charge captured in full and stock held or committed → commit and confirm (the customer paid);
 * - anything else → the order fails: its intent (`refunding`) is written first, then the stock is
 *   given back (released, or the sale reversed if inventory committed it), whatever is left of the
 *   charge refunded, and the order failed with its reason. A refunded or voided charge never
 *   confirms an order, whatever inventory did.
 * - `refunding` (the checkout or an earlier pass decided to fail it and crashed): finished that way.
 * A failed order with compensation pending gets its release/refund retried.
 * Once a charge may have been sent (the order got past `pending`), its outcome is settled by
 * asking payment to settle its key (see settle-charge.ts), never guessed from a listing.
 * Every call it makes is idempotent, so running it twice (or on two replicas) is harmless.
 */
export async function recoverOrder(deps: RecoveryDeps, order: OrderRow): Promise<RecoveryOutcome> {
  if (order.status === 'refunding') return finishFailing(deps, order);
  if (!IN_FLIGHT.includes(order.status)) {
    // A failed order whose charge outcome was unknown: settle it first, so a charge that lands
    // after this pass cannot escape the refund.
    const settled =
      order.charge_id === null && order.status === 'failed' && (await reachedCharge(deps.db, order.id))
        ? await settleCharge(deps.payment, order)
        : undefined;
    const done = await compensate(deps, order, {
      chargeId: order.charge_id ?? chargeToRefund(settled),
      chargeMayExist: true,
      releaseStock: order.status !== 'refunded',
    });
    if (!done.complete) return 'still-pending';
    await settleCompensation(deps.db, order.id, done.refundId ? { refundId: done.refundId } : {});
    return 'compensated';
  }

  const ref = orderRef(order.id);
  // A pending order never reached the charge step; from `reserved` on, a charge may be in flight.
  const [reservation, settled] = await Promise.all([
    deps.inventory.getReservation(ref),
    order.status === 'pending' ? Promise.resolve(undefined) : settleCharge(deps.payment, order),
  ]);

  if (settled?.outcome === 'kept') {
    const stock =
      reservation?.status === 'held' ? await deps.inventory.commit(ref) : (reservation?.status ?? 'gone');
    if (stock === 'committed') {
      const final = await confirm(deps.db, order, IN_FLIGHT, settled.chargeId);
      await storeFinalOutcome(deps.db, final);
      return 'confirmed';
    }
  }
  const chargeId = chargeToRefund(settled);
  if (chargeId === null) {
    // Nothing was paid: give the stock back and fail.
    const undone = await compensate(deps, order, {});
    const final = await end(deps.db, order, IN_FLIGHT, {
      status: 'failed',
      reason: 'abandoned',
      detail: `recovered from ${order.status}`,
      patch: { compensationPending: !undone.complete },
    });
    await storeFinalOutcome(deps.db, final);
    return 'failed';
  }
  const reason = settled?.outcome === 'kept' ? 'reservation_expired' : 'payment_refunded';
  const failing = await advance(deps.db, order, IN_FLIGHT, 'refunding', {
    reason,
    detail: `recovered from ${order.status}`,
    chargeId,
  });
  return finishFailing(deps, failing);
}

/**
 * An order in `refunding`: give the stock back (release, or reverse a committed sale) and refund
 * what is left of its charge, then fail it. Until both are done it stays `refunding` — never
 * confirmed — and the next pass tries again.
 */
async function finishFailing(deps: RecoveryDeps, order: OrderRow): Promise<RecoveryOutcome> {
  // Settle the key first: a charge request still on its way can then never land afterwards.
  const settled = await settleCharge(deps.payment, order);
  const undone = await compensate(deps, order, {
    chargeId: order.charge_id ?? chargeToRefund(settled),
    chargeMayExist: true,
  });
  if (!undone.complete) return 'still-pending';
  const final = await end(deps.db, order, ['refunding'], {
    status: 'failed',
    reason: order.status_reason ?? 'abandoned',
    detail: order.status_detail,
    patch: { compensationPending: false, ...(undone.refundId ? { refundId: undone.refundId } : {}) },
  });
  await storeFinalOutcome(deps.db, final);
  return 'failed';
}

/** The final order is the outcome of any key whose checkout it was (a provisional one is replaced). */
async function storeFinalOutcome(db: Database, order: OrderRow): Promise<void> {
  await storeOutcome(db, await toOrderView(db, order));
}

/** Whether the order ever got to the charge step (it was `reserved` at some point). */
async function reachedCharge(db: Database, orderId: number): Promise<boolean> {
  const { rows } = await db.query(
    "SELECT 1 FROM order_status_history WHERE order_id = $1 AND status IN ('reserved', 'paid') LIMIT 1",
    [orderId],
  );
  return rows.length > 0;
}
