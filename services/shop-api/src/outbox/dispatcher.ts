import { backoffDelay } from '@mockmart/service-kit/http-client';
import { leaseDue, markDelivered, markFailed, type OutboxRow } from './outbox-repository.ts';
import { workerLoop, type WorkerLoop } from '@mockmart/service-kit';
import { notificationBodySchema } from '@mockmart/contracts/notification';
import type { NotificationClient } from '../downstream/notification-client.ts';
import { readStored } from '../lib/stored-json.ts';
import type { Queryable } from '../lib/db.ts';
import { inEventTrace } from './trace-context.ts';

export interface DispatcherOptions {
  db: Queryable;
  notification: NotificationClient;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
  pollMs: number;
  maxAttempts: number;
  /** Backoff between attempts of one event: full jitter, random(0, min(cap, base·2^n)). */
  baseMs?: number;
  capMs?: number;
  batchSize?: number;
  /** How long a leased event is hidden from other dispatchers (a crash mid-send frees it after this). */
  leaseMs?: number;
  /**
   * How soon a nudge (an event was just written) runs a pass, default 50 ms: the events of the
   * checkouts finishing meanwhile go in that pass, with one lease and one delivered mark for all.
   */
  nudgeDelayMs?: number;
  random?: () => number;
}

export interface OutboxDispatcher extends WorkerLoop {
  /** One pass over due events; returns how many were delivered. */
  runOnce(): Promise<number>;
}

/**
 * Delivers outbox events to the notification service at least once. Each event carries its stable
 * eventId, so a redelivery (crash after send, before the delivered mark) is deduplicated by the
 * receiver. Events of a batch are independent and sent concurrently.
 */
export function createOutboxDispatcher(options: DispatcherOptions): OutboxDispatcher {
  const baseMs = options.baseMs ?? 500;
  const capMs = options.capMs ?? 60_000;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 30_000;

  async function deliver(row: OutboxRow): Promise<boolean> {
    const attempt = row.attempts + 1;
    let failure: { error: string; retryable: boolean };
    // The stored event is checked against notification's contract before it is sent: one that
    // does not fit would be refused there just the same, so it is parked at once.
    const event = readStored(notificationBodySchema, row.payload);
    if (!event)
      failure = { error: 'the stored event does not fit the notification contract', retryable: false };
    else
      try {
        const result = await options.notification.send(event);
        if (result.delivered) return true;
        failure = { error: `HTTP ${result.status}`, retryable: result.retryable };
      } catch (error) {
        failure = { error: (error as Error).message, retryable: true };
      }
    const give = !failure.retryable || attempt >= options.maxAttempts;
    await markFailed(
      options.db,
      row.id,
      failure.error,
      give ? undefined : backoffDelay(row.attempts, baseMs, capMs, options.random),
    );
    const log = give ? options.log.error.bind(options.log) : options.log.warn.bind(options.log);
    log(
      { eventId: row.event_id, type: row.type, attempt, error: failure.error },
      give ? 'notification event parked as dead' : 'notification delivery failed; will retry',
    );
    return false;
  }

  async function runOnce(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const rows = await leaseDue(options.db, batchSize, leaseMs);
      if (rows.length === 0) return delivered;
      const results = await Promise.all(
        rows.map((row) => inEventTrace(row.trace_parent, row.type, () => deliver(row))),
      );
      // One write for the whole batch. A crash before it means these events are sent again after
      // their lease: at-least-once, and the receiver deduplicates by eventId.
      const sent = rows.filter((_, i) => results[i]).map((row) => row.id);
      await markDelivered(options.db, sent);
      delivered += sent.length;
      if (rows.length < batchSize) return delivered;
    }
  }

  const loop = workerLoop(
    options.pollMs,
    runOnce,
    (error) => options.log.error({ err: error }, 'outbox dispatcher pass failed'),
    { nudgeDelayMs: options.nudgeDelayMs ?? 50 },
  );
  return { ...loop, runOnce };
}
