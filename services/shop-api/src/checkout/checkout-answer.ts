import { DependencyUnavailable, OutOfStock, PaymentDeclined } from '../errors.ts';
import { UNSETTLED } from './orders-repository.ts';
import type { AppError } from '@mockmart/service-kit';
import type { CheckoutProblem } from '@mockmart/contracts/shop';
import type { OrderView } from './schemas.ts';

/**
 * The HTTP answer to POST /api/checkout for the order a checkout left (its outcome): nothing when
 * it is confirmed (201 with the order), else the problem to answer — the only place a checkout's
 * outcome becomes a status and a code. Used by the route alone; the saga, recovery and replays
 * store and pass outcomes.
 *
 * Every problem names the order (`orderId`) and its status (`orderStatus`, never `status`: that
 * is the problem's HTTP status), 503s included: those fields are exposed even on a 503 (the kit
 * masks 5xx extensions) since they are only the order's id, status, reason and unavailable lines,
 * written by us — the client must learn its order's fate. An order not settled yet (the commit in
 * doubt, a refund under way) answers a provisional 503: its key is answered again from the order's
 * state until it is final.
 */
export function checkoutProblem(order: OrderView): AppError | undefined {
  const ids: CheckoutProblem = { orderId: order.id, orderStatus: order.status };
  if (order.status === 'confirmed') return undefined;
  if (UNSETTLED.includes(order.status)) {
    return unavailable(
      `Order ${order.id} is not settled yet (${order.status}); retry with the same Idempotency-Key or read the order`,
      ids,
    );
  }
  if (order.statusReason === 'payment_declined') {
    const reason = order.statusDetail ?? 'declined';
    const exposed: CheckoutProblem = { ...ids, reason };
    return new PaymentDeclined(`Payment failed: ${reason}`, { exposed });
  }
  if (order.statusReason === 'out_of_stock') {
    const exposed: CheckoutProblem = { ...ids, unavailable: order.unavailable ?? [] };
    return new OutOfStock('Some items are not available in stock', { exposed });
  }
  return unavailable(
    `Order ${order.id} could not be completed (${order.statusReason ?? 'unknown'}); nothing was charged or it was refunded`,
    { ...ids, reason: order.statusReason ?? 'unknown' },
  );
}

/** The problem's extension members are the contract's (@mockmart/contracts/shop), which the UI reads. */
function unavailable(detail: string, exposed: CheckoutProblem): AppError {
  return new DependencyUnavailable(detail, { exposed, headers: { 'retry-after': '5' } });
}
