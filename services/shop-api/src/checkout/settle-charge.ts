import { orderRef } from '../outbox/order-events.ts';
import type { NetState, PaymentClient } from '../downstream/payment-client.ts';
import type { OrderRow } from './orders-repository.ts';

/**
 * - kept: the charge is captured in full — the only state in which an order may be confirmed;
 * - returned: it was charged and then refunded (partly or fully) — never confirmed; what is left
 *   is refunded when the order fails;
 * - none: never charged (the key is voided) or declined.
 */
export type SettledCharge =
  | { outcome: 'kept'; chargeId: string }
  | { outcome: 'returned'; chargeId: string; netState: NetState }
  | { outcome: 'none' };

/**
 * Learns for certain what became of an order's charge, and what it amounts to now. Listing charges
 * is not enough: a charge request can still be in flight at payment when recovery looks ("not seen
 * yet" is not "never"), and if it landed after the order was given up nobody would refund it.
 * Payment settles a key under the same lock its charges take: it answers the charge made with the
 * key — with its net state, refunds included — or voids the key so that request is refused if it
 * still arrives. A charge that succeeded and was refunded is money returned, not a payment.
 * Throws when payment is unreachable: the order stays unsettled and is tried again later.
 */
export async function settleCharge(payment: PaymentClient, order: OrderRow): Promise<SettledCharge> {
  const settled = await payment.settle(orderRef(order.id), `order-${order.id}-charge`);
  if (settled.status === 'voided' || settled.netState === 'declined') return { outcome: 'none' };
  if (settled.netState === 'captured') return { outcome: 'kept', chargeId: settled.chargeId };
  return { outcome: 'returned', chargeId: settled.chargeId, netState: settled.netState };
}

/** The charge a failing order must refund (whatever is left of it), if any. */
export function chargeToRefund(settled: SettledCharge | undefined): string | null {
  return settled && settled.outcome !== 'none' ? settled.chargeId : null;
}
