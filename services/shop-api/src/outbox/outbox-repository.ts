import type { Queryable } from '../lib/db.ts';

export interface OutboxEvent {
  eventId: string;
  type: string;
  orderId: number | null;
  payload: unknown;
  /** W3C traceparent of the request that wrote it (see trace-context.ts). */
  traceParent?: string;
}

export interface OutboxRow {
  id: number;
  event_id: string;
  type: string;
  payload: unknown;
  attempts: number;
  trace_parent: string | null;
}

/**
 * Records an event in the caller's transaction (the transactional outbox). The stable event id
 * makes a second enqueue of the same order event (live path and recovery racing) a no-op.
 */
export async function enqueue(tx: Queryable, event: OutboxEvent): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (event_id, type, order_id, payload, trace_parent) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_id) DO NOTHING`,
    [event.eventId, event.type, event.orderId, JSON.stringify(event.payload), event.traceParent ?? null],
    { prepare: 'outbox-enqueue' },
  );
}

/** Leases due events so that concurrent dispatchers (replicas) never send the same row at once. */
export async function leaseDue(db: Queryable, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2 / 1000.0)
      WHERE id IN (SELECT id FROM outbox
                    WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, event_id, type, payload, attempts, trace_parent`,
    [limit, leaseMs],
    { prepare: 'outbox-lease-due' },
  );
  return rows;
}

/** Marks a batch delivered in one statement (one commit per dispatcher pass, not per event). */
export async function markDelivered(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    'UPDATE outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])',
    [ids],
    { prepare: 'outbox-mark-delivered' },
  );
}

export async function markFailed(
  db: Queryable,
  id: number,
  error: string,
  retryInMs: number | undefined,
): Promise<void> {
  if (retryInMs === undefined) {
    await db.query(
      'UPDATE outbox SET dead_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = $1',
      [id, error.slice(0, 500)],
    );
    return;
  }
  await db.query(
    'UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3 / 1000.0) WHERE id = $1',
    [id, error.slice(0, 500), retryInMs],
  );
}

export async function outboxStats(
  db: Queryable,
): Promise<{ pending: number; delivered: number; dead: number }> {
  const { rows } = await db.query<{ pending: number; delivered: number; dead: number }>(
    `SELECT count(*) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL)::int AS pending,
            count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered,
            count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead FROM outbox`,
  );
  return rows[0]!;
}
