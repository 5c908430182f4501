// POST /api/checkout. Every attempt carries an Idempotency-Key: a retry after a lost answer
// (network error, timeout, 5xx) reuses it, so the server charges and creates the order at most
// once; a new attempt after a definite answer (e.g. a decline) gets a new key.
import { api } from '../../../lib/api-client.ts';
import { ApiError } from '../../../lib/api-error.ts';
import type { Money } from '../../../lib/money.ts';

export type ShippingAddress = {
  firstName: string;
  lastName: string;
  address: string;
  city: string;
  zipCode: string;
  phone: string;
};

export type PaymentMethod = 'credit-card' | 'paypal' | 'bank-transfer' | 'test-decline';

export type CheckoutRequest = { shippingAddress: ShippingAddress; paymentMethod: PaymentMethod };

export type PlacedOrder = { id: number | string; status: string; total: Money; reason?: string };

export async function placeOrder(request: CheckoutRequest, idempotencyKey: string): Promise<PlacedOrder> {
  const body = await api.post<PlacedOrder | { order: PlacedOrder }>('/api/checkout', request, {
    headers: { 'Idempotency-Key': idempotencyKey },
  });
  return 'order' in body ? body.order : body;
}

/** Whether the outcome of a failed attempt is unknown, so the same key must be used to retry. */
export function isIndeterminate(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500 || error.status === 408 || error.status === 429;
  return true; // network failure or abort: the server may have processed it
}

export type OrderSummary = {
  id: number | string;
  status: string;
  total: Money;
  reason?: string;
  createdAt?: string;
  items?: { productId: number; productName?: string; name?: string; quantity: number }[];
};

export async function getPlacedOrder(id: string, signal?: AbortSignal): Promise<OrderSummary> {
  const body = await api.get<OrderSummary | { order: OrderSummary }>(
    `/api/orders/${encodeURIComponent(id)}`,
    {
      signal,
    },
  );
  return 'order' in body ? body.order : body;
}
