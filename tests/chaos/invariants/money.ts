import type { ChargeRow, Dataset } from '../dataset.ts';
import { groupBy, type Violation } from './violation.ts';

/** What a charge still holds of the customer's money: nothing for a decline or a full refund. */
export const netOf = (c: ChargeRow) => (c.status === 'succeeded' ? c.amount - c.refundedAmount : 0);

/**
 * Money as payment booked it, against the orders: a confirmed order has exactly one kept charge of
 * its total (the one the order names); an order that did not complete keeps nothing; no charge
 * belongs to an unknown order; payment's refunds add up to each charge's refunded amount; and the
 * money captured overall is the sum of the confirmed totals.
 */
export function checkMoney(data: Dataset): Violation[] {
  const violations: Violation[] = [];
  const chargesOf = groupBy(data.charges, (c) => c.orderId);
  const orders = new Map(data.orders.map((o) => [String(o.id), o]));

  for (const order of data.orders) {
    const charges = chargesOf.get(String(order.id)) ?? [];
    const kept = charges.filter((c) => netOf(c) > 0);
    const ids = [`order ${order.id}`, ...charges.map((c) => `charge ${c.chargeId}`)];
    const booked = charges
      .map((c) => `${c.chargeId} ${c.status} ${c.amount} refunded ${c.refundedAmount}`)
      .join('; ');
    if (order.status === 'confirmed') {
      if (kept.length === 0)
        violations.push({
          invariant: 'confirmed-without-money',
          ids,
          detail: `total ${order.totalMinor}, charges: ${booked || 'none'}`,
        });
      else if (kept.length > 1)
        violations.push({
          invariant: 'confirmed-charged-twice',
          ids,
          detail: `total ${order.totalMinor}, charges: ${booked}`,
        });
      else if (netOf(kept[0]!) !== order.totalMinor)
        violations.push({
          invariant: 'confirmed-wrong-amount',
          ids,
          detail: `total ${order.totalMinor}, charges: ${booked}`,
        });
      else if (kept[0]!.chargeId !== order.chargeId)
        violations.push({
          invariant: 'confirmed-charge-mismatch',
          ids,
          detail: `the order names charge ${order.chargeId}, the money is on ${kept[0]!.chargeId}`,
        });
    } else if (kept.length > 0) {
      violations.push({
        invariant: 'unfinished-order-keeps-money',
        ids,
        detail: `${order.status} (${order.reason ?? 'no reason'}) keeps ${kept.reduce((s, c) => s + netOf(c), 0)}: ${booked}`,
      });
    }
  }

  for (const charge of data.charges) {
    if (!orders.has(charge.orderId))
      violations.push({
        invariant: 'charge-without-order',
        ids: [`charge ${charge.chargeId}`, `order ${charge.orderId}`],
        detail: `${charge.status} ${charge.amount}, refunded ${charge.refundedAmount}`,
      });
  }

  const refundsOf = groupBy(data.refunds, (r) => r.chargeId);
  for (const charge of data.charges) {
    const refunded = (refundsOf.get(charge.chargeId) ?? []).reduce((sum, r) => sum + r.amount, 0);
    if (refunded !== charge.refundedAmount)
      violations.push({
        invariant: 'refunds-disagree',
        ids: [`charge ${charge.chargeId}`],
        detail: `refunds add up to ${refunded}, the charge says ${charge.refundedAmount} refunded`,
      });
  }

  const captured = data.charges.reduce((sum, c) => sum + netOf(c), 0);
  const confirmed = data.orders
    .filter((o) => o.status === 'confirmed')
    .reduce((sum, o) => sum + o.totalMinor, 0);
  if (captured !== confirmed)
    violations.push({
      invariant: 'money-total',
      ids: [],
      detail: `net money captured ${captured} ≠ sum of confirmed totals ${confirmed} (difference ${captured - confirmed})`,
    });
  return violations;
}
