// The shopper's own orders: GET /api/orders and /api/orders/:id (the owner is the token's sub;
// someone else's order is a 404, so ids cannot be probed).
import { api, itemsOf } from '../../../lib/api-client.ts';
import type { Money } from '../../../lib/money.ts';
import type { OrderView as RawOrder } from '@mockmart/contracts/shop';

export type OrderItem = {
  productId: number;
  productName: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
};

export type Order = {
  id: number;
  status: string;
  /** Machine reason of a failed/cancelled/refunded order: out_of_stock, payment_declined, … */
  reason: string | null;
  detail: string | null;
  total: Money;
  items: OrderItem[];
  shippingAddress: Record<string, string>;
  paymentMethod: string;
  history: { status: string; reason: string | null; at: string }[];
  createdAt: string;
};

function toOrder(raw: RawOrder): Order {
  const money = (amount: number) => ({ amount, currency: raw.currency });
  return {
    id: raw.id,
    status: raw.status,
    reason: raw.statusReason,
    detail: raw.statusDetail,
    total: money(raw.totalMinor),
    items: raw.items.map((i) => ({
      productId: i.productId,
      productName: i.productName,
      quantity: i.quantity,
      unitPrice: money(i.priceMinor),
      lineTotal: money(i.lineTotalMinor),
    })),
    shippingAddress: raw.shippingAddress,
    paymentMethod: raw.paymentMethod,
    history: raw.history,
    createdAt: raw.createdAt,
  };
}

export async function listOrders(signal?: AbortSignal): Promise<Order[]> {
  return itemsOf(await api.get<RawOrder[] | { items: RawOrder[] }>('/api/orders', { signal })).map(toOrder);
}

export async function getOrder(id: string, signal?: AbortSignal): Promise<Order> {
  return toOrder(await api.get<RawOrder>(`/api/orders/${encodeURIComponent(id)}`, { signal }));
}
