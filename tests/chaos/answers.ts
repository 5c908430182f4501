/**
 * What a shopper's client saw for a checkout: every answer (or lost answer) per Idempotency-Key.
 * An answer is an outcome when it tells how the order ended — 201, or a problem with one of the
 * checkout outcome codes that is not provisional; anything else (connection lost, 409 still in
 * progress, a 5xx of a process going down, a 503 naming an order not settled yet) says nothing
 * about the order's end.
 */
import type { PlannedCheckout } from './plan.ts';

/** Problem codes of a checkout that ended (services/shop-api/src/checkout/checkout-answer.ts). */
export const OUTCOME_CODES = [
  'SHOP_PAYMENT_DECLINED',
  'SHOP_OUT_OF_STOCK',
  'SHOP_DEPENDENCY_UNAVAILABLE',
] as const;

export interface ObservedAnswer {
  /** ms since the traffic started. */
  at: number;
  /** live: the checkout itself; retry: the client asking again; final: the replay after recovery. */
  phase: 'live' | 'retry' | 'final';
  /** The HTTP status, or how the request ended without one. */
  status: number | 'aborted' | 'network-error';
  code?: string;
  orderId?: number;
  /** The order's status as the answer tells it (`order.status` of a 201, `orderStatus` of a problem). */
  orderStatus?: string;
  /** The body without what differs per request (trace id, instance), keys sorted: equal answers compare equal. */
  fingerprint?: string;
}

export interface KeyObservation {
  userId: string;
  key: string;
  /** Index of the planned checkout. */
  checkout: number;
  /** Sent with every request of the key (another body would be refused as a key mismatch). */
  paymentMethod: PlannedCheckout['paymentMethod'];
  answers: ObservedAnswer[];
}

/** Statuses an order ends in (services/shop-api/migrations/004_orders.sql). */
export const FINAL_STATUSES: readonly string[] = ['confirmed', 'failed', 'cancelled', 'refunded'];

export function isOutcome(answer: ObservedAnswer): boolean {
  if (answer.status === 201) return true;
  return (OUTCOME_CODES as readonly string[]).includes(answer.code ?? '') && !isProvisional(answer);
}

/**
 * A 503 given before its order was settled: it names a status in flight, or names the order but
 * not its status (a checkout interrupted mid-way). A replay later tells the outcome.
 */
function isProvisional(answer: ObservedAnswer): boolean {
  if (answer.orderStatus !== undefined) return !FINAL_STATUSES.includes(answer.orderStatus);
  return answer.code === 'SHOP_DEPENDENCY_UNAVAILABLE' && answer.orderId !== undefined;
}

/** Turns an HTTP answer of POST /api/checkout into an observation. */
export function observe(
  at: number,
  phase: ObservedAnswer['phase'],
  status: number,
  body: unknown,
): ObservedAnswer {
  const object = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const order = object.order as { id?: unknown; status?: unknown } | undefined;
  const orderId = status === 201 ? order?.id : object.orderId;
  const orderStatus = status === 201 ? order?.status : object.orderStatus;
  const { instance: _instance, traceId: _traceId, ...stable } = object;
  return {
    at,
    phase,
    status,
    ...(typeof object.code === 'string' ? { code: object.code } : {}),
    ...(typeof orderId === 'number' ? { orderId } : {}),
    ...(typeof orderStatus === 'string' ? { orderStatus } : {}),
    fingerprint: `${status} ${canonical(stable)}`,
  };
}

/** JSON with object keys sorted at every level. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The order a stored outcome names, with the status and reason its answer is told from. */
export function storedOutcome(outcome: unknown): {
  orderId?: number;
  status?: string;
  reason?: string | null;
} {
  const stored = (typeof outcome === 'object' && outcome !== null ? outcome : {}) as {
    id?: unknown;
    status?: unknown;
    statusReason?: unknown;
  };
  return {
    ...(typeof stored.id === 'number' ? { orderId: stored.id } : {}),
    ...(typeof stored.status === 'string' ? { status: stored.status } : {}),
    ...(typeof stored.statusReason === 'string' || stored.statusReason === null
      ? { reason: stored.statusReason }
      : {}),
  };
}
