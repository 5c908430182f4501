import { DependencyUnavailable, OutOfStock, PaymentDeclined } from '../errors.ts';
import type { AppError } from '@mockmart/service-kit';
import type { StoredResponse } from './idempotency-repository.ts';
import type { OrderView } from './schemas.ts';

export interface CheckoutAnswer {
  status: number;
  response: StoredResponse;
}

/**
 * The answer to POST /api/checkout for an order in its final state. Used by the live checkout and
 * by the recovery worker (which stores it for an Idempotency-Key whose request died mid-way).
 */
export function answerFor(order: OrderView): CheckoutAnswer {
  if (order.status === 'confirmed')
    return { status: 201, response: { kind: 'order', body: { success: true, order } } };
  if (order.statusReason === 'payment_declined') {
    return error(402, 'SHOP_PAYMENT_DECLINED', `Payment failed: ${order.statusDetail ?? 'declined'}`, {
      orderId: order.id,
      reason: order.statusDetail ?? 'declined',
    });
  }
  if (order.statusReason === 'out_of_stock') {
    return error(409, 'SHOP_OUT_OF_STOCK', 'Some items are not available in stock', {
      orderId: order.id,
      unavailable: order.unavailable ?? [],
    });
  }
  return error(
    503,
    'SHOP_DEPENDENCY_UNAVAILABLE',
    `Order ${order.id} could not be completed (${order.statusReason ?? 'unknown'}); nothing was charged or it was refunded`,
    { orderId: order.id },
  );
}

function error(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown>,
): CheckoutAnswer {
  return { status, response: { kind: 'error', code, detail, extensions } };
}

const ERRORS: Record<
  string,
  new (
    detail?: string,
    options?: { extensions?: Record<string, unknown>; headers?: Record<string, string> },
  ) => AppError
> = {
  SHOP_PAYMENT_DECLINED: PaymentDeclined,
  SHOP_OUT_OF_STOCK: OutOfStock,
  SHOP_DEPENDENCY_UNAVAILABLE: DependencyUnavailable,
};

/** Re-creates the stored error so the central handler answers it exactly like the first time. */
export function errorFrom(response: Extract<StoredResponse, { kind: 'error' }>): AppError {
  const ErrorClass = ERRORS[response.code] ?? DependencyUnavailable;
  const headers: Record<string, string> =
    response.code === 'SHOP_DEPENDENCY_UNAVAILABLE' ? { 'retry-after': '5' } : {};
  return new ErrorClass(response.detail, { extensions: response.extensions, headers });
}
