import type { Dataset, Line } from '../dataset.ts';
import { groupBy, type Violation } from './violation.ts';

/**
 * Stock as inventory holds it: on hand = initial − units of confirmed orders, nothing reserved,
 * no hold left; and each reservation agrees with its order — committed exactly for confirmed
 * orders, with the order's items.
 */
export function checkStock(data: Dataset, initialStock: ReadonlyMap<number, number>): Violation[] {
  const violations: Violation[] = [];
  const orders = new Map(data.orders.map((o) => [String(o.id), o]));
  const confirmedUnits = new Map<number, number>();
  for (const line of data.orderItems) {
    if (orders.get(line.orderId)?.status === 'confirmed')
      confirmedUnits.set(line.productId, (confirmedUnits.get(line.productId) ?? 0) + line.quantity);
  }
  for (const row of data.stock) {
    const initial = initialStock.get(row.productId);
    if (initial === undefined) continue;
    const expected = initial - (confirmedUnits.get(row.productId) ?? 0);
    if (row.onHand !== expected)
      violations.push({
        invariant: 'stock-not-conserved',
        ids: [`product ${row.productId}`],
        detail: `on hand ${row.onHand}, expected ${expected} (initial ${initial} − ${confirmedUnits.get(row.productId) ?? 0} confirmed)`,
      });
    if (row.reserved !== 0)
      violations.push({
        invariant: 'stock-held',
        ids: [`product ${row.productId}`],
        detail: `${row.reserved} units still reserved`,
      });
  }

  const reservations = new Map(data.reservations.map((r) => [r.orderId, r]));
  const reservedItems = groupBy(data.reservationItems, (l) => l.orderId);
  const orderItems = groupBy(data.orderItems, (l) => l.orderId);
  for (const reservation of data.reservations) {
    const ids = [`order ${reservation.orderId}`];
    const order = orders.get(reservation.orderId);
    if (reservation.status === 'held')
      violations.push({ invariant: 'reservation-held', ids, detail: `order ${order?.status ?? 'unknown'}` });
    if (!order) {
      violations.push({
        invariant: 'reservation-without-order',
        ids,
        detail: `reservation ${reservation.status}`,
      });
    } else if ((reservation.status === 'committed') !== (order.status === 'confirmed')) {
      violations.push({
        invariant: 'reservation-disagrees',
        ids,
        detail: `order ${order.status} (${order.reason ?? 'no reason'}), reservation ${reservation.status}`,
      });
    } else if (
      reservation.status === 'committed' &&
      itemsKey(reservedItems.get(reservation.orderId)) !== itemsKey(orderItems.get(reservation.orderId))
    ) {
      violations.push({
        invariant: 'reservation-items-differ',
        ids,
        detail: `reserved ${itemsKey(reservedItems.get(reservation.orderId))}, ordered ${itemsKey(orderItems.get(reservation.orderId))}`,
      });
    }
  }
  for (const order of data.orders) {
    if (order.status === 'confirmed' && !reservations.has(String(order.id)))
      violations.push({
        invariant: 'reservation-disagrees',
        ids: [`order ${order.id}`],
        detail: 'order confirmed, no reservation',
      });
  }
  return violations;
}

const itemsKey = (lines: readonly Line[] = []) =>
  lines
    .map((l) => `${l.productId}×${l.quantity}`)
    .sort()
    .join(' ');
