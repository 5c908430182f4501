import { orderRef } from '../outbox/order-events.ts';
import type { PaymentClient } from '../downstream/payment-client.ts';
import type { OrderRow } from '../checkout/orders-repository.ts';

export type SettledCharge = { outcome: 'succeeded'; chargeId: string } | { outcome: 'none' };

/**
 * Learns for certain what became of an order's charge. Listing charges is not enough: a charge
 * request can still be in flight at payment when recovery looks ("not seen yet" is not "never"),
 * and if it landed after the order was given up nobody would refund it. Payment settles a key under
 * the same lock its charges take: it answers the charge made with the key, or voids the key so that
 * request is refused if it still arrives. Either way the answer cannot change afterwards.
 * Throws when payment is unreachable: the order stays unsettled and is tried again later.
 */
export async function settleCharge(payment: PaymentClient, order: OrderRow): Promise<SettledCharge> {
  const settled = await payment.settle(orderRef(order.id), `order-${order.id}-charge`);
  return settled.status === 'charged' && settled.succeeded
    ? { outcome: 'succeeded', chargeId: settled.chargeId }
    : { outcome: 'none' };
}
