import { setTimeout as sleep } from 'node:timers/promises';
import { userCart } from '../cart/cart-owner.ts';
import { DependencyUnavailable, IdempotencyInProgress, IdempotencyMismatch } from '../errors.ts';
import { requestFingerprint } from '@mockmart/service-kit';
import { assertMayCheckout } from './checkout-permission.ts';
import { createPendingOrder, type Shopper } from './create-order.ts';
import { readKey, storeOutcome, type IdempotencyRecord } from './idempotency-repository.ts';
import { runSaga, type SagaDeps } from './order-saga.ts';
import { findOrder, UNSETTLED } from './orders-repository.ts';
import { toOrderView } from './order-view.ts';
import type { Principal } from '@mockmart/auth';
import type { CheckoutBody, OrderView } from './schemas.ts';

export interface PlaceOrderInput {
  principal: Principal;
  body: CheckoutBody;
  idempotencyKey?: string | undefined;
}

/**
 * The checkout's outcome: the order as it was answered (confirmed, failed with its reason, or not
 * settled yet), and whether it replays an earlier request's. routes.ts turns it into the answer.
 */
export interface PlaceOrderResult {
  order: OrderView;
  replayed: boolean;
}

/** An order not settled yet is a provisional outcome: a replay tells the order as it is by then. */
function isProvisional(order: OrderView): boolean {
  return UNSETTLED.includes(order.status);
}

/**
 * POST /api/checkout as a story:
 * 1. the shopper must be allowed to check out;
 * 2. the cart becomes a pending order in one transaction (the key, if any, is claimed there too);
 * 3. the saga reserves, charges and confirms — or compensates and fails with a reason;
 * 4. the outcome (the order as answered) is stored for the Idempotency-Key in the saga's final
 *    transaction, so a retry gets the same answer and no second order — or, while the order is
 *    not settled (its outcome was provisional), the order's current state.
 * Once the order exists every answer names it: an unexpected failure mid-saga is a 503 with the
 * order's id and status (the order stays for the recovery worker).
 */
export async function placeOrder(deps: SagaDeps, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  assertMayCheckout(input.principal);
  const shopper = shopperOf(input.principal);
  const idempotency = input.idempotencyKey
    ? { key: input.idempotencyKey, requestHash: requestFingerprint(input.body) }
    : undefined;

  const created = await createPendingOrder(deps.db, shopper, input.body, idempotency);
  if (created.kind === 'existing') return replay(deps, shopper.userId, idempotency!, created.record);

  // The saga's final transaction also stores this outcome for the key (if any).
  let order: OrderView;
  try {
    ({ view: order } = await runSaga(deps, {
      order: created.order,
      lines: created.lines,
      cart: shopper.cart,
    }));
  } catch (error) {
    order = await interrupted(deps, created.order.id, error);
  }
  deps.onOutboxWrite?.();
  return { order, replayed: false };
}

/**
 * The saga stopped on an unexpected error (the database, a concurrent move by recovery): answer
 * from the order as it now is — its id and status, a provisional 503 while it is not settled —
 * and store that for the key when the database lets us. The order stays for the recovery worker.
 */
async function interrupted(deps: SagaDeps, orderId: number, error: unknown): Promise<OrderView> {
  deps.log.warn({ orderId, err: error }, 'checkout interrupted; the recovery worker will settle the order');
  try {
    const order = await findOrder(deps.db, orderId);
    if (order) {
      const view = await toOrderView(deps.db, order);
      await storeOutcome(deps.db, view);
      return view;
    }
  } catch {
    // The database is what failed: answer with what we know.
  }
  throw new DependencyUnavailable(`Order ${orderId} was interrupted; it will be settled`, {
    exposed: { orderId },
    headers: { 'retry-after': '5' },
    cause: error,
  });
}

function shopperOf(principal: Principal): Shopper {
  const fullName = [principal.givenName, principal.familyName].filter(Boolean).join(' ');
  return {
    userId: principal.subject,
    email: principal.email ?? null,
    name: principal.name ?? (fullName || principal.username || ''),
    cart: userCart(principal),
  };
}

/** How long a retry waits for the first request with the same key before answering 409. */
const REPLAY_WAIT_MARGIN_MS = 2000;
const REPLAY_POLL_MS = 50;

async function replay(
  deps: SagaDeps,
  userId: string,
  idempotency: { key: string; requestHash: string },
  first: IdempotencyRecord,
): Promise<PlaceOrderResult> {
  if (first.requestHash !== idempotency.requestHash) {
    throw new IdempotencyMismatch(
      'This Idempotency-Key was used for a different checkout request; use a new key for a new order',
    );
  }
  const giveUpAt = Date.now() + deps.checkoutDeadlineMs + REPLAY_WAIT_MARGIN_MS;
  let record: IdempotencyRecord | undefined = first;
  while (!record?.answered) {
    if (Date.now() >= giveUpAt) {
      throw new IdempotencyInProgress(
        'The first request with this Idempotency-Key is still being processed; retry shortly',
        { headers: { 'retry-after': '1' } },
      );
    }
    await sleep(REPLAY_POLL_MS);
    record = await readKey(deps.db, userId, idempotency.key);
  }
  if (record.outcome && !isProvisional(record.outcome)) return { order: record.outcome, replayed: true };
  // Answered before its order was settled (or in a form older than outcomes): tell the order as it
  // is now, and keep it once final.
  const order = record.orderId === null ? undefined : await findOrder(deps.db, record.orderId);
  if (!order) {
    if (record.outcome) return { order: record.outcome, replayed: true };
    throw new DependencyUnavailable('The order of this Idempotency-Key cannot be read; retry shortly', {
      headers: { 'retry-after': '5' },
    });
  }
  const now = await toOrderView(deps.db, order);
  if (!isProvisional(now)) await storeOutcome(deps.db, now);
  return { order: now, replayed: true };
}
