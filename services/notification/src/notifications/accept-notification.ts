import { randomUUID } from 'node:crypto';
import type { Database } from '@mockmart/service-kit/db';
import { EventConflict } from '../errors.ts';
import { requestFingerprint } from '@mockmart/service-kit';
import type { MailSender } from './mail-sender.ts';
import { renderMail, type MailInput } from './render-mail.ts';
import { findByEvent, insertOnce } from './notifications-repository.ts';

export interface NotificationEvent extends MailInput {
  eventId: string;
  recipient: { userId: string; email?: string | undefined; name?: string | undefined };
}

export interface AcceptDeps {
  db: Database;
  /** null: no SMTP configured, the mailbox is the only destination. */
  sender: MailSender | null;
  /** Runs before rendering: the "slow-template" fault. */
  /** Runs before the mail is rendered (the slow-template fault), for the recipient's user id. */
  beforeRender: (userId: string) => Promise<void>;
}

/**
 * Accepts an order event: records its mail once per event id (a unique key, so concurrent or
 * replayed deliveries of one event are applied once), then makes one SMTP attempt. What that attempt
 * leaves pending (SMTP down, or this process dying first) the mail sender retries, so the event is
 * accepted once and its mail delivered at least once. A replay answers `deduplicated: true` and
 * never sends by itself; the same event id with another payload is a conflict.
 */
export async function acceptNotification(
  deps: AcceptDeps,
  event: NotificationEvent,
  clientId: string,
): Promise<{ notificationId: string; deduplicated: boolean }> {
  const payloadHash = requestFingerprint(event);
  const known = await findByEvent(deps.db, event.eventId);
  if (known) return deduplicated(known, payloadHash, event.eventId);

  await deps.beforeRender(event.recipient.userId);
  const rendered = renderMail(event);
  const id = `ntf_${randomUUID()}`;
  const to = event.recipient.email ?? null;
  // Known at once, so recorded with the row: nothing is left pending that cannot be sent.
  const outcome = !to
    ? ({ status: 'undeliverable', failure: 'recipient has no e-mail address' } as const)
    : !deps.sender
      ? ({ status: 'stored' } as const)
      : ({ status: 'pending' } as const);
  const inserted = await insertOnce(deps.db, {
    id,
    eventId: event.eventId,
    payloadHash,
    type: event.type,
    orderId: event.orderId,
    userId: event.recipient.userId,
    to,
    ...rendered,
    clientId,
    ...outcome,
    claimMs: deps.sender?.claimMs ?? 0,
  });
  if (!inserted) {
    const winner = await findByEvent(deps.db, event.eventId);
    if (!winner) throw new Error(`notification for event ${event.eventId} vanished`);
    return deduplicated(winner, payloadHash, event.eventId);
  }

  // Only the request that recorded the event sends it; a failure is the sender's to retry, not
  // the caller's: the event is accepted either way.
  if (to && deps.sender) await deps.sender.deliver({ id, to, ...rendered, attempts: 0 });
  return { notificationId: id, deduplicated: false };
}

function deduplicated(known: { id: string; payloadHash: string }, payloadHash: string, eventId: string) {
  if (known.payloadHash !== payloadHash) {
    throw new EventConflict(`Event ${eventId} was already accepted with a different payload`);
  }
  return { notificationId: known.id, deduplicated: true };
}
