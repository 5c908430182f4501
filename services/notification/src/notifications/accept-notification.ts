import { randomUUID } from 'node:crypto';
import type { Database } from '@mockmart/service-kit/db';
import { EventConflict } from '../errors.ts';
import { fingerprint } from '../request-fingerprint.ts';
import type { Mailer } from './mailer.ts';
import { renderMail, type MailInput } from './render-mail.ts';
import { findByEvent, insertOnce, markDelivery } from './notifications-repository.ts';

export interface NotificationEvent extends MailInput {
  eventId: string;
  recipient: { userId: string; email?: string | undefined; name?: string | undefined };
}

export interface AcceptDeps {
  db: Database;
  /** null: no SMTP configured, the mailbox is the only destination. */
  mailer: Mailer | null;
  /** Runs before rendering: the "slow-template" fault. */
  beforeRender: () => Promise<void>;
  logger: { warn(obj: object, msg: string): void };
}

/**
 * Accepts an order event: records its mail once per event id (a unique key, so concurrent or
 * replayed deliveries of one event are applied once), then sends it. A replay answers
 * `deduplicated: true` and never sends again; the same event id with another payload is a conflict.
 */
export async function acceptNotification(
  deps: AcceptDeps,
  event: NotificationEvent,
  clientId: string,
): Promise<{ notificationId: string; deduplicated: boolean }> {
  const payloadHash = fingerprint(event);
  const known = await findByEvent(deps.db, event.eventId);
  if (known) return deduplicated(known, payloadHash, event.eventId);

  await deps.beforeRender();
  const rendered = renderMail(event);
  const id = `ntf_${randomUUID()}`;
  const inserted = await insertOnce(deps.db, {
    id,
    eventId: event.eventId,
    payloadHash,
    type: event.type,
    orderId: event.orderId,
    userId: event.recipient.userId,
    to: event.recipient.email ?? null,
    ...rendered,
    clientId,
  });
  if (!inserted) {
    const winner = await findByEvent(deps.db, event.eventId);
    if (!winner) throw new Error(`notification for event ${event.eventId} vanished`);
    return deduplicated(winner, payloadHash, event.eventId);
  }

  // Only the request that recorded the event sends it.
  const to = event.recipient.email;
  if (!to) await markDelivery(deps.db, id, 'undeliverable', 'recipient has no e-mail address');
  else if (!deps.mailer) await markDelivery(deps.db, id, 'stored');
  else {
    try {
      await deps.mailer.send({ to, ...rendered });
      await markDelivery(deps.db, id, 'sent');
    } catch (error) {
      const failure = (error as { code?: string }).code ?? 'SMTP_ERROR';
      deps.logger.warn({ notificationId: id, failure }, 'mail delivery failed');
      await markDelivery(deps.db, id, 'failed', failure);
    }
  }
  return { notificationId: id, deduplicated: false };
}

function deduplicated(known: { id: string; payloadHash: string }, payloadHash: string, eventId: string) {
  if (known.payloadHash !== payloadHash) {
    throw new EventConflict(`Event ${eventId} was already accepted with a different payload`);
  }
  return { notificationId: known.id, deduplicated: true };
}
