import { compensate, type CompensationDeps } from './compensate-order.ts';
import { advance, settle, type Outcome, type Settled } from './order-transitions.ts';
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
  /** Nudges the outbox dispatcher after a final state (and its notification) was committed. */
  onOutboxWrite?: (() => void) | undefined;
}

export interface SagaInput {
  order: OrderRow;
  lines: CartLine[];
  cart: CartOwner;
}

/**
 * Reserve → charge → confirm, for an order already written as pending. Every way out is a final
 * state: confirmed, or failed with its reason after compensation (release, refund). What could not
 * be compensated now is flagged and finished by the recovery worker.
 *
 * Writes, and why each is there (the recovery worker settles an in-flight order from downstream
 * facts looked up by order id — reservation and charges — so it needs the pending row and nothing
 * more to finish or undo any step):
 * - `pending` (create-order.ts): the order exists before any remote call;
 * - `reserved`, one statement, before the charge — the pivot: the durable mark that stock is held
 *   and money may now move, which also restarts the "stuck after" clock of recovery and admin cancel;
 * - the final state in one transaction with the outbox row and the stored Idempotency-Key answer.
 *   `paid` is not written on its own: the charge is found at payment by order id, and the step is
 *   recorded in the history (with its time) by the final transaction.
 */
export async function runSaga(deps: SagaDeps, { order, lines, cart }: SagaInput): Promise<Settled> {
  const deadline = Date.now() + deps.checkoutDeadlineMs;
  const ref = orderRef(order.id);
  const restore = { owner: cart, lines };
  const passed: PassedStep[] = [];
  const finish = (from: OrderStatus, outcome: Outcome) =>
    settle(deps.db, order, [from], outcome, { passed, storeAnswer: true });

  const giveUp = async (
    from: OrderStatus,
    reason: string,
    error: unknown,
    charge: { chargeId?: string; chargeMayExist?: boolean },
  ) => {
    if (error) deps.log.warn({ orderId: order.id, reason, err: error }, 'checkout step failed; compensating');
    const done = await compensate(deps, order, charge);
    // A charge whose outcome we never saw may still land later: keep the order on the recovery
    // worker's list so it re-checks payment once more after the dust settles.
    const pending = !done.complete || charge.chargeMayExist === true;
    return finish(from, {
      status: 'failed',
      reason,
      patch: {
        compensationPending: pending,
        ...(charge.chargeId ? { chargeId: charge.chargeId } : {}),
        ...(done.refundId ? { refundId: done.refundId } : {}),
      },
      restore,
    });
  };

  // 1. Reserve the stock (nothing is held when inventory refuses).
  let reservation;
  try {
    reservation = await deps.inventory.reserve(
      ref,
      lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
      deps.reservationTtlSeconds,
      deadline,
    );
  } catch (error) {
    return giveUp('pending', 'inventory_unavailable', error, {});
  }
  if (!reservation.ok) {
    if (reservation.reason === 'conflict') return giveUp('pending', 'reservation_conflict', undefined, {});
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
    return giveUp('reserved', 'payment_unavailable', error, { chargeMayExist: true });
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
  let committed;
  try {
    committed = await deps.inventory.commit(ref, deadline);
  } catch (error) {
    return giveUp('reserved', 'inventory_unavailable', error, { chargeId: charge.chargeId });
  }
  if (committed === 'gone')
    return giveUp('reserved', 'reservation_expired', undefined, { chargeId: charge.chargeId });
  return finish('reserved', { status: 'confirmed', chargeId: charge.chargeId });
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
