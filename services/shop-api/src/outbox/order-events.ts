import { enqueue } from './outbox-repository.ts';
import { activeTraceParent } from '@mockmart/service-kit/telemetry';
import { toMajor } from '../lib/money.ts';
import type { NotificationEvent, NotificationType } from '../downstream/notification-client.ts';
import type { Queryable } from '../lib/db.ts';
import type { OrderRow } from '../checkout/orders-repository.ts';

/** The id inventory, payment and notification know an order by. */
export function orderRef(orderId: number): string {
  return String(orderId);
}

/** Notification accepts a name of 1–200 characters: longer is cut, empty is left out. */
const MAX_RECIPIENT_NAME = 200;

/**
 * The recipient's name within notification's contract. The name comes from the identity provider
 * (falling back to the username, which Keycloak allows up to 255 characters); outside the
 * contract, notification would refuse the event and the mail would end dead in the outbox.
 */
export function recipientName(name: string | null | undefined): { name?: string } {
  const trimmed = [...(name ?? '').trim()].slice(0, MAX_RECIPIENT_NAME).join('');
  return trimmed ? { name: trimmed } : {};
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
  extra: NotificationEvent['data'] = {},
): Promise<void> {
  if (!order.user_email) return;
  const event: NotificationEvent = {
    eventId: `order-${order.id}-${type.replace('order.', '')}`,
    type,
    orderId: orderRef(order.id),
    recipient: { userId: order.user_id, email: order.user_email, ...recipientName(order.user_name) },
    data: {
      orderId: order.id,
      total: toMajor(order.total_minor),
      totalMinor: order.total_minor,
      currency: order.currency.trim(),
      ...extra,
    },
  };
  await enqueue(tx, {
    eventId: event.eventId,
    type,
    orderId: order.id,
    payload: event,
    traceParent: activeTraceParent(),
  });
}
