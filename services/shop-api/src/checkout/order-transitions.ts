import { restoreCart, type CartLine } from '../cart/manage-cart.ts';
import { enqueueOrderNotification } from '../outbox/order-events.ts';
import {
  findOrder,
  findOrderItems,
  transition,
  type OrderRow,
  type TransitionPatch,
} from './orders-repository.ts';
import type { CartOwner } from '../cart/cart-owner.ts';
import type { Database, Queryable } from '../lib/db.ts';
import type { OrderStatus } from './schemas.ts';

/** Thrown when an order was moved by someone else (recovery, admin) between two saga steps. */
export class OrderMovedConcurrently extends Error {
  constructor(orderId: number, to: OrderStatus) {
    super(`order ${orderId} could not move to ${to}: its status changed concurrently`);
    this.name = 'OrderMovedConcurrently';
  }
}

async function itemsForMail(tx: Queryable, orderId: number) {
  return (await findOrderItems(tx, [orderId])).map((i) => ({
    productName: i.product_name,
    quantity: i.quantity,
    priceMinor: i.unit_price_minor,
  }));
}

/** A plain step (pending → reserved → paid): no notification. */
export async function advance(
  db: Queryable,
  order: OrderRow,
  from: readonly OrderStatus[],
  to: OrderStatus,
  patch: TransitionPatch = {},
): Promise<void> {
  if (!(await transition(db, order.id, from, to, patch))) throw new OrderMovedConcurrently(order.id, to);
}

/** Confirmed + its notification in the outbox, in one transaction. */
export async function confirm(
  db: Database,
  order: OrderRow,
  from: readonly OrderStatus[],
  chargeId: string,
): Promise<OrderRow> {
  return db.transaction(async (tx) => {
    if (!(await transition(tx, order.id, from, 'confirmed', { reason: null, chargeId })))
      throw new OrderMovedConcurrently(order.id, 'confirmed');
    const updated = (await findOrder(tx, order.id))!;
    await enqueueOrderNotification(tx, updated, 'order.confirmed', {
      status: 'confirmed',
      items: await itemsForMail(tx, order.id),
    });
    return updated;
  });
}

export interface Ending {
  status: 'failed' | 'cancelled' | 'refunded';
  reason: string;
  detail?: string | null;
  patch?: TransitionPatch;
  /** Give the shopper their cart back (live checkout failures). */
  restore?: { owner: CartOwner; lines: readonly CartLine[] };
}

const MAIL: Record<Ending['status'], 'order.failed' | 'order.cancelled' | 'order.refunded'> = {
  failed: 'order.failed',
  cancelled: 'order.cancelled',
  refunded: 'order.refunded',
};

/** A terminal unhappy state with its reason and notification, in one transaction. */
export async function end(
  db: Database,
  order: OrderRow,
  from: readonly OrderStatus[],
  ending: Ending,
): Promise<OrderRow> {
  return db.transaction(async (tx) => {
    const moved = await transition(tx, order.id, from, ending.status, {
      ...ending.patch,
      reason: ending.reason,
      detail: ending.detail ?? null,
    });
    if (!moved) throw new OrderMovedConcurrently(order.id, ending.status);
    const updated = (await findOrder(tx, order.id))!;
    await enqueueOrderNotification(tx, updated, MAIL[ending.status], {
      status: ending.status,
      reason: ending.reason,
      items: await itemsForMail(tx, order.id),
    });
    if (ending.restore) await restoreCart(tx, ending.restore.owner, ending.restore.lines);
    return updated;
  });
}
