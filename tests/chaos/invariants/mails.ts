import type { Dataset } from '../dataset.ts';
import { groupBy, type Violation } from './violation.ts';

/** The mail each final status sends (services/shop-api/src/checkout/order-transitions.ts). */
const OUTCOME_MAIL: Record<string, string> = {
  confirmed: 'order.confirmed',
  failed: 'order.failed',
  cancelled: 'order.cancelled',
  refunded: 'order.refunded',
};

/**
 * Exactly one mail per order outcome, in notification's mailbox: the one of the order's final
 * status, once, and none telling another outcome; every outbox event delivered (none parked dead).
 * Shoppers without an e-mail address get no mail.
 */
export function checkMails(data: Dataset): Violation[] {
  const violations: Violation[] = [];
  const mailsOf = groupBy(data.mails, (m) => m.orderId);
  const orders = new Set(data.orders.map((o) => String(o.id)));
  for (const order of data.orders) {
    const mails = mailsOf.get(String(order.id)) ?? [];
    const expected = order.userEmail ? OUTCOME_MAIL[order.status] : undefined;
    const ids = [`order ${order.id}`, ...mails.map((m) => `mail ${m.eventId}`)];
    const sent = mails.map((m) => m.type).join(', ') || 'none';
    const matching = mails.filter((m) => m.type === expected);
    if (expected && matching.length === 0)
      violations.push({ invariant: 'mail-missing', ids, detail: `order ${order.status}, mails: ${sent}` });
    if (matching.length > 1)
      violations.push({ invariant: 'mail-duplicate', ids, detail: `${matching.length} × ${expected}` });
    if (mails.some((m) => m.type !== expected))
      violations.push({
        invariant: 'mail-wrong-outcome',
        ids,
        detail: `order ${order.status}, mails: ${sent}`,
      });
  }
  for (const mail of data.mails) {
    if (!orders.has(mail.orderId))
      violations.push({
        invariant: 'mail-without-order',
        ids: [`mail ${mail.eventId}`],
        detail: `${mail.type} for order ${mail.orderId}`,
      });
  }
  for (const event of data.outbox) {
    if (!event.delivered)
      violations.push({
        invariant: 'outbox-undelivered',
        ids: [`event ${event.eventId}`],
        detail: event.dead ? 'parked as dead' : 'not delivered yet',
      });
  }
  return violations;
}
