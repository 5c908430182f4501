// The shopper's own orders: GET /api/orders and /api/orders/:id (shop-api answers 404 for an
// order that is not theirs, so ids cannot be probed).
import { api, itemsOf } from '../../../lib/api-client.ts';
import type { Money } from '../../../lib/money.ts';

export type OrderItem = {
  productId: number;
  productName?: string;
  name?: string;
  quantity: number;
  unitPrice?: Money;
  price?: Money;
};

export type Order = {
  id: number | string;
  status: string;
  /** Why an order failed or was cancelled/refunded, e.g. "payment_declined". */
  reason?: string | null;
  total: Money;
  items: OrderItem[];
  shippingAddress?: Record<string, string>;
  paymentMethod?: string;
  createdAt: string;
  updatedAt?: string;
};

export async function listOrders(signal?: AbortSignal): Promise<Order[]> {
  return itemsOf(await api.get<Order[] | { items: Order[] }>('/api/orders', { signal }));
}

export async function getOrder(id: string, signal?: AbortSignal): Promise<Order> {
  const body = await api.get<Order | { order: Order }>(`/api/orders/${encodeURIComponent(id)}`, { signal });
  return 'order' in body ? body.order : body;
}
