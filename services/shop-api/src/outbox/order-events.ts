import { enqueue } from './outbox-repository.ts';
import { toMajor } from '../lib/money.ts';
import type { NotificationEvent, NotificationType } from '../downstream/notification-client.ts';
import type { Queryable } from '../lib/db.ts';
import type { OrderRow } from '../checkout/orders-repository.ts';

/** The id inventory, payment and notification know an order by. */
export function orderRef(orderId: number): string {
  return String(orderId);
}

/**
 * Enqueues the customer notification for an order event in the caller's transaction. The event id
 * is stable per (order, type): however often it is enqueued or delivered, the customer gets one mail.
 * Shoppers without an e-mail address get no mail (the order still completes).
 */
export async function enqueueOrderNotification(
  tx: Queryable,
  order: OrderRow,
  type: NotificationType,
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (!order.user_email) return;
  const event: NotificationEvent = {
    eventId: `order-${order.id}-${type.replace('order.', '')}`,
    type,
    orderId: orderRef(order.id),
    recipient: { userId: order.user_id, email: order.user_email, name: order.user_name },
    data: {
      orderId: order.id,
      total: toMajor(order.total_minor),
      totalMinor: order.total_minor,
      currency: order.currency.trim(),
      ...extra,
    },
  };
  await enqueue(tx, { eventId: event.eventId, type, orderId: order.id, payload: event });
}
