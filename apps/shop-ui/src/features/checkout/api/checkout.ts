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

/** The parts of shop-api's Order the confirmation needs (amounts in minor units). */
type RawOrder = {
  id: number;
  status: string;
  statusReason: string | null;
  totalMinor: number;
  currency: string;
};

export type PlacedOrder = { id: number; status: string; reason: string | null; total: Money };

function toPlaced(raw: RawOrder): PlacedOrder {
  return {
    id: raw.id,
    status: raw.status,
    reason: raw.statusReason,
    total: { amount: raw.totalMinor, currency: raw.currency },
  };
}

export async function placeOrder(request: CheckoutRequest, idempotencyKey: string): Promise<PlacedOrder> {
  const body = await api.post<{ success: true; order: RawOrder }>('/api/checkout', request, {
    headers: { 'Idempotency-Key': idempotencyKey },
  });
  return toPlaced(body.order);
}

/** Whether the outcome of a failed attempt is unknown, so a retry must reuse the same key. */
export function isIndeterminate(error: unknown): boolean {
  if (error instanceof ApiError) {
    return (
      error.status >= 500 || error.status === 408 || error.status === 429 || error.codeIncludes('IN_PROGRESS')
    );
  }
  return true; // a network failure or abort: the server may have processed it
}

export async function getPlacedOrder(id: string, signal?: AbortSignal): Promise<PlacedOrder> {
  return toPlaced(await api.get<RawOrder>(`/api/orders/${encodeURIComponent(id)}`, { signal }));
}
