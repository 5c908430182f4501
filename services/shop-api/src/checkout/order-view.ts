import {
  findItemsAndHistory,
  type HistoryRow,
  type OrderItemRow,
  type OrderRow,
} from './orders-repository.ts';
import { toMajor } from '../lib/money.ts';
import type { Queryable } from '../lib/db.ts';
import type { OrderView } from './schemas.ts';

/** Orders as the API shows them, with items and status history, loaded in one query for any number of orders. */
export async function toOrderViews(db: Queryable, orders: readonly OrderRow[]): Promise<OrderView[]> {
  const ids = orders.map((o) => o.id);
  const { items, history } = await findItemsAndHistory(db, ids);
  return orders.map((order) => orderViewOf(order, items, history));
}

/** One order as the API shows it, from its row and (at least) its items and history rows. */
export function orderViewOf(
  order: OrderRow,
  items: readonly OrderItemRow[],
  history: readonly HistoryRow[],
): OrderView {
  return {
    id: order.id,
    userId: order.user_id,
    status: order.status,
    statusReason: order.status_reason,
    statusDetail: order.status_detail,
    items: items
      .filter((i) => i.order_id === order.id)
      .map((i) => ({
        productId: i.product_id,
        productName: i.product_name,
        quantity: i.quantity,
        price: toMajor(i.unit_price_minor),
        priceMinor: i.unit_price_minor,
        lineTotalMinor: i.unit_price_minor * i.quantity,
      })),
    total: toMajor(order.total_minor),
    totalMinor: order.total_minor,
    currency: order.currency.trim(),
    shippingAddress: order.shipping_address,
    paymentMethod: order.payment_method,
    paymentTransactionId: order.charge_id,
    unavailable: order.unavailable,
    history: history
      .filter((h) => h.order_id === order.id)
      .map((h) => ({ status: h.status, reason: h.reason, at: new Date(h.at).toISOString() })),
    createdAt: new Date(order.created_at).toISOString(),
    updatedAt: new Date(order.updated_at).toISOString(),
  };
}

export async function toOrderView(db: Queryable, order: OrderRow): Promise<OrderView> {
  return (await toOrderViews(db, [order]))[0]!;
}
