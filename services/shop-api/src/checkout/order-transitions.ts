import { restoreCart, type CartLine } from '../cart/manage-cart.ts';
import { enqueueOrderNotification } from '../outbox/order-events.ts';
import { storeOutcome } from './idempotency-repository.ts';
import { orderViewOf } from './order-view.ts';
import {
  transition,
  transitionAndRead,
  type OrderRow,
  type PassedStep,
  type TransitionPatch,
} from './orders-repository.ts';
import type { CartOwner } from '../cart/cart-owner.ts';
import type { Database, Queryable } from '../lib/db.ts';
import type { OrderStatus, OrderView } from './schemas.ts';

/** Thrown when an order was moved by someone else (recovery, admin) between two saga steps. */
export class OrderMovedConcurrently extends Error {
  constructor(orderId: number, to: OrderStatus) {
    super(`order ${orderId} could not move to ${to}: its status changed concurrently`);
    this.name = 'OrderMovedConcurrently';
  }
}

/**
 * A plain step (pending → reserved, → refunding, → paid): one statement, no notification; `passed`
 * steps go into the history before it. Returns the updated row.
 */
export async function advance(
  db: Queryable,
  order: OrderRow,
  from: readonly OrderStatus[],
  to: OrderStatus,
  { passed = [], ...patch }: TransitionPatch & { passed?: readonly PassedStep[] } = {},
): Promise<OrderRow> {
  const updated = await transition(db, order.id, from, to, patch, passed);
  if (!updated) throw new OrderMovedConcurrently(order.id, to);
  return updated;
}

export interface Ending {
  status: 'failed' | 'cancelled' | 'refunded';
  reason: string;
  detail?: string | null;
  patch?: TransitionPatch;
  /** Give the shopper their cart back (live checkout failures). */
  restore?: { owner: CartOwner; lines: readonly CartLine[] };
}

export type Outcome = { status: 'confirmed'; chargeId: string } | Ending;

export interface SettleOptions {
  /** Steps passed since the last write, recorded in the history with their time. */
  passed?: readonly PassedStep[];
  /** Also store the order as the checkout's outcome for its Idempotency-Key (the live checkout). */
  storeOutcome?: boolean;
}

export interface Settled {
  order: OrderRow;
  view: OrderView;
}

const MAIL = {
  confirmed: 'order.confirmed',
  failed: 'order.failed',
  cancelled: 'order.cancelled',
  refunded: 'order.refunded',
} as const;

/**
 * A final state in one transaction: the status (and the steps passed on the way), its
 * notification in the outbox, the cart given back on a failed checkout, and — for the live
 * checkout — the order stored as the outcome for the Idempotency-Key. All of it or none: a crash leaves the
 * order in flight for the recovery worker, never half-finished.
 */
export async function settle(
  db: Database,
  order: OrderRow,
  from: readonly OrderStatus[],
  outcome: Outcome,
  options: SettleOptions = {},
): Promise<Settled> {
  return db.transaction(async (tx) => {
    const patch: TransitionPatch =
      outcome.status === 'confirmed'
        ? { reason: null, chargeId: outcome.chargeId }
        : { ...outcome.patch, reason: outcome.reason, detail: outcome.detail ?? null };
    const moved = await transitionAndRead(tx, order.id, from, outcome.status, patch, options.passed);
    if (!moved) throw new OrderMovedConcurrently(order.id, outcome.status);
    const updated = moved.order;
    const view = orderViewOf(updated, moved.items, moved.history);
    await enqueueOrderNotification(tx, updated, MAIL[outcome.status], {
      status: outcome.status,
      ...(outcome.status === 'confirmed' ? {} : { reason: outcome.reason }),
      items: view.items.map((i) => ({
        productName: i.productName,
        quantity: i.quantity,
        priceMinor: i.priceMinor,
      })),
    });
    if (outcome.status !== 'confirmed' && outcome.restore)
      await restoreCart(tx, outcome.restore.owner, outcome.restore.lines);
    if (options.storeOutcome) await storeOutcome(tx, view);
    return { order: updated, view };
  });
}

/** Confirmed + its notification in the outbox, in one transaction. */
export async function confirm(
  db: Database,
  order: OrderRow,
  from: readonly OrderStatus[],
  chargeId: string,
): Promise<OrderRow> {
  return (await settle(db, order, from, { status: 'confirmed', chargeId })).order;
}

/** A terminal unhappy state with its reason and notification, in one transaction. */
export async function end(
  db: Database,
  order: OrderRow,
  from: readonly OrderStatus[],
  ending: Ending,
): Promise<OrderRow> {
  return (await settle(db, order, from, ending)).order;
}
