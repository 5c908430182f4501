import { compensate, type CompensationDeps } from './compensate-order.ts';
import { commitReservation } from './commit-reservation.ts';
import { advance, settle, type Outcome, type Settled } from './order-transitions.ts';
import { storeOutcome } from './idempotency-repository.ts';
import { toOrderView } from './order-view.ts';
import { orderRef } from '../outbox/order-events.ts';
import type { CartLine } from '../cart/manage-cart.ts';
import type { CartOwner } from '../cart/cart-owner.ts';
import type { Database } from '../lib/db.ts';
import type { OrderRow, PassedStep, UnavailableLine } from './orders-repository.ts';
import type { OrderStatus } from './schemas.ts';

export interface SagaDeps extends CompensationDeps {
  db: Database;
  reservationTtlSeconds: number;
  checkoutDeadlineMs: number;
  /** One downstream attempt: the time given to ask inventory about a commit whose answer was lost. */
  downstreamTimeoutMs: number;
  /** Nudges the outbox dispatcher after a final state (and its notification) was committed. */
  onOutboxWrite?: (() => void) | undefined;
}

export interface SagaInput {
  order: OrderRow;
  lines: CartLine[];
  cart: CartOwner;
}

/**
 * Reserve → charge → commit → confirm, for an order already written as pending. Every way out is
 * a final state — confirmed, or failed with its reason after compensation (release, reverse,
 * refund) — except one: a commit whose answer was lost and that inventory could not be asked about
 * in time. That order is left `paid` for the recovery worker (which asks inventory later and
 * confirms or undoes it) and the client is told so, with the order's id and status.
 *
 * Writes, and why each is there (the recovery worker settles an order from downstream facts looked
 * up by order id — reservation and charge — so it needs these rows and nothing more):
 * - `pending` (create-order.ts): the order exists before any remote call;
 * - `reserved`, before the charge — the pivot: the durable mark that stock is held and money may
 *   now move, which also restarts the "stuck after" clock of recovery and admin cancel;
 * - `refunding`, before any refund is asked for: the durable intent to fail the order and give
 *   the money back, so a crash after the refund is finished that way (never confirmed);
 * - `paid` with the charge id, only when the commit is in doubt (see above);
 * - the final state in one transaction with the outbox row and the Idempotency-Key's outcome.
 *   Otherwise `paid` is not written on its own: the charge is found at payment by order id, and the
 *   step is recorded in the history (with its time) by the transaction that follows it.
 */
export async function runSaga(deps: SagaDeps, { order, lines, cart }: SagaInput): Promise<Settled> {
  const deadline = Date.now() + deps.checkoutDeadlineMs;
  const ref = orderRef(order.id);
  const restore = { owner: cart, lines };
  const passed: PassedStep[] = [];
  const finish = (from: OrderStatus, outcome: Outcome) =>
    settle(deps.db, order, [from], outcome, { passed, storeOutcome: true });

  /** Fails an order whose stock and perhaps money moved: intent first, then undo, then `failed`. */
  const failAndRefund = async (
    from: OrderStatus,
    reason: string,
    error: unknown,
    charge: { chargeId?: string; chargeMayExist?: boolean },
  ) => {
    if (error) deps.log.warn({ orderId: order.id, reason, err: error }, 'checkout step failed; compensating');
    await advance(deps.db, order, [from], 'refunding', {
      reason,
      passed: passed.splice(0),
      ...(charge.chargeId ? { chargeId: charge.chargeId } : {}),
    });
    const done = await compensate(deps, order, charge);
    // A charge whose outcome we never saw may still land later: keep the order on the recovery
    // worker's list so it re-checks payment once more after the dust settles.
    const pending = !done.complete || charge.chargeMayExist === true;
    return finish('refunding', {
      status: 'failed',
      reason,
      patch: { compensationPending: pending, ...(done.refundId ? { refundId: done.refundId } : {}) },
      restore,
    });
  };

  // 1. Reserve the stock (nothing is held when inventory refuses; nothing was paid yet).
  let reservation;
  try {
    reservation = await deps.inventory.reserve(
      ref,
      lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
      deps.reservationTtlSeconds,
      deadline,
    );
  } catch (error) {
    deps.log.warn({ orderId: order.id, err: error }, 'reservation failed; releasing');
    return failWithoutMoney('inventory_unavailable');
  }
  if (!reservation.ok) {
    if (reservation.reason === 'conflict') return failWithoutMoney('reservation_conflict');
    return finish('pending', {
      status: 'failed',
      reason: 'out_of_stock',
      patch: { unavailable: await named(deps.db, order.id, reservation.unavailable) },
      restore,
    });
  }
  await advance(deps.db, order, ['pending'], 'reserved');

  // 2. Charge — the pivot. The Idempotency-Key is derived from the order: a retry never charges twice.
  let charge;
  try {
    charge = await deps.payment.charge(
      {
        orderId: ref,
        amount: order.total_minor,
        currency: order.currency.trim(),
        paymentMethod: order.payment_method,
        customer: { userId: order.user_id, ...(order.user_email ? { email: order.user_email } : {}) },
      },
      `order-${order.id}-charge`,
      deadline,
    );
  } catch (error) {
    return failAndRefund('reserved', 'payment_unavailable', error, { chargeMayExist: true });
  }
  if (!charge.ok) {
    const released = await compensate(deps, order, {});
    return finish('reserved', {
      status: 'failed',
      reason: 'payment_declined',
      detail: charge.reason,
      patch: { compensationPending: !released.complete },
      restore,
    });
  }
  passed.push({ status: 'paid', at: new Date() });

  // 3. Commit the reservation and confirm; the confirmation mail goes through the outbox.
  const committed = await commitReservation(deps.inventory, ref, deadline, deps.downstreamTimeoutMs);
  if (committed === 'committed')
    return finish('reserved', { status: 'confirmed', chargeId: charge.chargeId });
  if (committed === 'gone')
    return failAndRefund('reserved', 'reservation_expired', undefined, { chargeId: charge.chargeId });
  return leaveInDoubt(charge.chargeId);

  async function failWithoutMoney(reason: string): Promise<Settled> {
    const done = await compensate(deps, order, {});
    return finish('pending', {
      status: 'failed',
      reason,
      patch: { compensationPending: !done.complete },
      restore,
    });
  }

  /**
   * Paid, and inventory could not say in time whether it committed: neither confirm (the stock may
   * not be ours) nor refund (it may be, and the customer paid for it). `paid` with the charge id is
   * written for the recovery worker, which asks inventory later and finishes the order; the
   * provisional outcome stored for the key is replaced by the final one then.
   */
  async function leaveInDoubt(chargeId: string): Promise<Settled> {
    deps.log.warn({ orderId: order.id }, 'commit in doubt; the recovery worker will settle the order');
    return deps.db.transaction(async (tx) => {
      // The `paid` step is this write itself (not a passed step recorded alongside).
      passed.length = 0;
      const updated = await advance(tx, order, ['reserved'], 'paid', { chargeId });
      const view = await toOrderView(tx, updated);
      await storeOutcome(tx, view);
      return { order: updated, view };
    });
  }
}

async function named(
  db: Database,
  orderId: number,
  unavailable: { productId: number; requested: number; available: number }[],
): Promise<UnavailableLine[]> {
  const { rows } = await db.query<{ product_id: number; product_name: string }>(
    'SELECT product_id, product_name FROM order_items WHERE order_id = $1',
    [orderId],
  );
  const names = new Map(rows.map((r) => [r.product_id, r.product_name]));
  return unavailable.map((u) => ({
    productId: u.productId,
    productName: names.get(u.productId) ?? `#${u.productId}`,
    requested: u.requested,
    available: u.available,
  }));
}
