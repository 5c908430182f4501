import { OrderSchema, type OrderView } from '@mockmart/contracts/shop';
import { readStored } from '../lib/stored-json.ts';
import { UNSETTLED } from './orders-repository.ts';
import type { Queryable } from '../lib/db.ts';

export interface IdempotencyRecord {
  requestHash: string;
  orderId: number | null;
  /** Whether the checkout of this key has answered (its outcome is stored, in any form). */
  answered: boolean;
  /**
   * The order as the checkout answered it. Undefined before the answer, and for a key answered
   * before outcomes were stored (migration 010) whose answer was a problem: its order's current
   * state is its answer then (see place-order.ts's replay).
   */
  outcome: OrderView | undefined;
}

interface KeyRow {
  request_hash: string;
  order_id: number | null;
  outcome: unknown;
  answered: boolean;
}

/** The stored outcome is checked against the order view's schema, not trusted as typed. */
function toRecord(row: KeyRow): IdempotencyRecord {
  return {
    requestHash: row.request_hash,
    orderId: row.order_id,
    answered: row.answered,
    outcome: readStored(OrderSchema, row.outcome),
  };
}

export async function readKey(
  db: Queryable,
  userId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<KeyRow>(
    `SELECT request_hash, order_id, outcome, (outcome IS NOT NULL OR response_status IS NOT NULL) AS answered
       FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
    [userId, key],
  );
  return rows[0] && toRecord(rows[0]);
}

/**
 * Stores the order as the checkout answered it, for every key that created this order (used by
 * checkout, recovery and replays). A final outcome is never overwritten; a provisional one (the
 * order was not settled yet: in flight or refunding) is replaced by a later one.
 */
export async function storeOutcome(db: Queryable, order: OrderView): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET outcome = $2
      WHERE order_id = $1 AND (outcome IS NULL OR outcome ->> 'status' = ANY($3::text[]))`,
    [order.id, JSON.stringify(order), UNSETTLED],
    { prepare: 'idempotency-store-outcome' },
  );
}

/** Keys are kept at least 24 h (IETF draft), then pruned. */
export async function pruneKeys(db: Queryable, olderThanHours: number): Promise<number> {
  const { rowCount } = await db.query(
    'DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)',
    [olderThanHours],
  );
  return rowCount ?? 0;
}
