import { compensate, type CompensationDeps } from '../checkout/compensate-order.ts';
import { end, OrderMovedConcurrently } from '../checkout/order-transitions.ts';
import { getOrder } from '../checkout/order-queries.ts';
import { findOrder, IN_FLIGHT } from '../checkout/orders-repository.ts';
import { DependencyUnavailable, OrderNotCancellable, OrderNotFound } from '../errors.ts';
import { chargeToRefund, settleCharge } from '../checkout/settle-charge.ts';
import type { Database } from '../lib/db.ts';
import type { OrderView } from '../checkout/schemas.ts';

export interface CancelDeps extends CompensationDeps {
  db: Database;
  /** In-flight orders younger than this belong to a running checkout and cannot be cancelled. */
  stuckAfterMs: number;
}

/**
 * Admin cancellation. A confirmed order is refunded in full (→ refunded; the stock left the
 * warehouse, so it is not put back automatically). A stuck in-flight order is released and, if
 * charged, refunded (→ cancelled). Its charge is settled exactly as recovery settles one (see
 * settle-charge.ts): a charge request of the dead checkout may still be on its way to payment, so
 * "no charge listed yet" would let it land after the cancel and keep the customer's money. Downstream
 * steps are idempotent; if one fails nothing changes here and the admin may simply retry.
 */
export async function cancelOrder(
  deps: CancelDeps,
  id: number,
  note: string | undefined,
): Promise<OrderView> {
  const order = await findOrder(deps.db, id);
  if (!order) throw new OrderNotFound(`No order ${id}`);
  const detail = note ?? null;
  try {
    if (order.status === 'confirmed') {
      if (!order.charge_id) throw new OrderNotCancellable(`Order ${id} has no charge to refund`);
      const refund = await compensate(deps, order, { chargeId: order.charge_id, releaseStock: false });
      if (!refund.complete) throw new DependencyUnavailable('payment did not confirm the refund');
      await end(deps.db, order, ['confirmed'], {
        status: 'refunded',
        reason: 'cancelled_by_admin',
        detail,
        patch: refund.refundId ? { refundId: refund.refundId } : {},
      });
    } else if (IN_FLIGHT.includes(order.status)) {
      if (Date.now() - new Date(order.updated_at).getTime() < deps.stuckAfterMs) {
        throw new OrderNotCancellable(
          `Order ${id} is being processed right now (${order.status}); retry in a minute`,
        );
      }
      // From `reserved` on a charge may be in flight: its answer, or a void so it can never land.
      const settled = order.status === 'pending' ? undefined : await settleCharge(deps.payment, order);
      const chargeId = order.charge_id ?? chargeToRefund(settled);
      const undone = await compensate(deps, order, { chargeId, chargeMayExist: true });
      if (!undone.complete)
        throw new DependencyUnavailable('inventory or payment did not confirm the compensation');
      await end(deps.db, order, [order.status], {
        status: 'cancelled',
        reason: 'cancelled_by_admin',
        detail,
        patch: undone.refundId ? { refundId: undone.refundId } : {},
      });
    } else {
      throw new OrderNotCancellable(`Order ${id} is already ${order.status}`);
    }
  } catch (error) {
    if (error instanceof OrderMovedConcurrently)
      throw new OrderNotCancellable(`Order ${id} changed while cancelling; reload it`);
    throw error;
  }
  return getOrder(deps.db, id, undefined);
}
