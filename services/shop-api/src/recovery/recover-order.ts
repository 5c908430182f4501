import { answerFor } from '../checkout/checkout-response.ts';
import { compensate, type CompensationDeps } from '../checkout/compensate-order.ts';
import { storeResponse } from '../checkout/idempotency-repository.ts';
import { confirm, end } from '../checkout/order-transitions.ts';
import { toOrderView } from '../checkout/order-view.ts';
import { IN_FLIGHT, settleCompensation, type OrderRow } from '../checkout/orders-repository.ts';
import { orderRef } from '../outbox/order-events.ts';
import type { Database } from '../lib/db.ts';
import { settleCharge } from './settle-charge.ts';

export interface RecoveryDeps extends CompensationDeps {
  db: Database;
}

export type RecoveryOutcome = 'confirmed' | 'failed' | 'compensated' | 'still-pending';

/**
 * Finishes an order a crashed or interrupted checkout left behind, from the facts downstream
 * (reservation status, the charge's settled outcome) rather than from what we believe happened:
 * - charged and stock still held or committed → commit and confirm (the customer paid: complete it);
 * - anything else → release, refund any successful charge, fail with the reason.
 * A failed order with compensation pending gets its release/refund retried.
 * Once a charge may have been sent (the order got past `pending`), its outcome is settled by
 * asking payment to settle its key (see settle-charge.ts), never guessed from a listing.
 * Every call it makes is idempotent, so running it twice (or on two replicas) is harmless.
 */
export async function recoverOrder(deps: RecoveryDeps, order: OrderRow): Promise<RecoveryOutcome> {
  if (!IN_FLIGHT.includes(order.status)) {
    // A failed order whose charge outcome was unknown: settle it first, so a charge that lands
    // after this pass cannot escape the refund.
    const settled =
      order.charge_id === null && order.status === 'failed' && (await reachedCharge(deps.db, order.id))
        ? await settleCharge(deps.payment, order)
        : undefined;
    const done = await compensate(deps, order, {
      chargeId: order.charge_id ?? (settled?.outcome === 'succeeded' ? settled.chargeId : null),
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
  const charge = settled?.outcome === 'succeeded' ? settled : undefined;

  let final: OrderRow;
  if (charge && (reservation?.status === 'held' || reservation?.status === 'committed')) {
    const committed = reservation.status === 'committed' ? 'committed' : await deps.inventory.commit(ref);
    if (committed === 'committed') {
      final = await confirm(deps.db, order, IN_FLIGHT, charge.chargeId);
      await storeResponse(deps.db, order.id, ...answerParts(await toOrderView(deps.db, final)));
      return 'confirmed';
    }
  }
  const undone = await compensate(deps, order, { chargeId: charge?.chargeId ?? null, chargeMayExist: true });
  final = await end(deps.db, order, IN_FLIGHT, {
    status: 'failed',
    reason: charge ? 'reservation_expired' : 'abandoned',
    detail: `recovered from ${order.status}`,
    patch: {
      compensationPending: !undone.complete,
      ...(undone.refundId ? { refundId: undone.refundId } : {}),
    },
  });
  await storeResponse(deps.db, order.id, ...answerParts(await toOrderView(deps.db, final)));
  return 'failed';
}

function answerParts(view: Parameters<typeof answerFor>[0]) {
  const answer = answerFor(view);
  return [answer.status, answer.response] as const;
}

/** Whether the order ever got to the charge step (it was `reserved` at some point). */
async function reachedCharge(db: Database, orderId: number): Promise<boolean> {
  const { rows } = await db.query(
    "SELECT 1 FROM order_status_history WHERE order_id = $1 AND status IN ('reserved', 'paid') LIMIT 1",
    [orderId],
  );
  return rows.length > 0;
}
