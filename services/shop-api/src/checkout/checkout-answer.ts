import { DependencyUnavailable, OutOfStock, PaymentDeclined } from '../errors.ts';
import { UNSETTLED } from './orders-repository.ts';
import type { AppError } from '@mockmart/service-kit';
import type { StoredResponse } from './idempotency-repository.ts';
import type { OrderStatus, OrderView } from './schemas.ts';

export interface CheckoutAnswer {
  status: number;
  response: StoredResponse;
}

/**
 * The answer to POST /api/checkout for an order, told from its state. Used by the live checkout,
 * by the recovery worker (which stores it for an Idempotency-Key whose request died mid-way) and by
 * a replay whose stored answer was provisional. Every error answer names the order (`orderId`) and
 * its status (`orderStatus`, never `status`: that is the problem's HTTP status), 503s included.
 * An order not settled yet (the commit in doubt, a refund under way) answers a provisional 503:
 * its key is answered again from the order's state until it is final (see `isProvisional`).
 */
export function answerFor(order: OrderView): CheckoutAnswer {
  const ids = { orderId: order.id, orderStatus: order.status };
  if (order.status === 'confirmed')
    return { status: 201, response: { kind: 'order', body: { success: true, order } } };
  if (UNSETTLED.includes(order.status)) {
    return error(
      503,
      'SHOP_DEPENDENCY_UNAVAILABLE',
      `Order ${order.id} is not settled yet (${order.status}); retry with the same Idempotency-Key or read the order`,
      ids,
    );
  }
  if (order.statusReason === 'payment_declined') {
    return error(402, 'SHOP_PAYMENT_DECLINED', `Payment failed: ${order.statusDetail ?? 'declined'}`, {
      ...ids,
      reason: order.statusDetail ?? 'declined',
    });
  }
  if (order.statusReason === 'out_of_stock') {
    return error(409, 'SHOP_OUT_OF_STOCK', 'Some items are not available in stock', {
      ...ids,
      unavailable: order.unavailable ?? [],
    });
  }
  return error(
    503,
    'SHOP_DEPENDENCY_UNAVAILABLE',
    `Order ${order.id} could not be completed (${order.statusReason ?? 'unknown'}); nothing was charged or it was refunded`,
    { ...ids, reason: order.statusReason ?? 'unknown' },
  );
}

/** A stored answer given while its order was not settled: a replay tells the order's state instead. */
export function isProvisional(response: StoredResponse): boolean {
  if (response.kind !== 'error') return false;
  const status = response.extensions.orderStatus;
  return typeof status === 'string' && UNSETTLED.includes(status as OrderStatus);
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
    options?: {
      extensions?: Record<string, unknown>;
      exposed?: Record<string, unknown>;
      headers?: Record<string, string>;
    },
  ) => AppError
> = {
  SHOP_PAYMENT_DECLINED: PaymentDeclined,
  SHOP_OUT_OF_STOCK: OutOfStock,
  SHOP_DEPENDENCY_UNAVAILABLE: DependencyUnavailable,
};

/**
 * Re-creates the stored error so the central handler answers it exactly like the first time. Its
 * fields are exposed even on a 503 (the kit masks 5xx extensions): they are only the order's id,
 * status, reason and unavailable lines, written by us — the client must learn its order's fate.
 */
export function errorFrom(response: Extract<StoredResponse, { kind: 'error' }>): AppError {
  const ErrorClass = ERRORS[response.code] ?? DependencyUnavailable;
  const headers: Record<string, string> =
    response.code === 'SHOP_DEPENDENCY_UNAVAILABLE' ? { 'retry-after': '5' } : {};
  return new ErrorClass(response.detail, { exposed: response.extensions, headers });
}
