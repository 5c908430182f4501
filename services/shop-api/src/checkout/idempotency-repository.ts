import { UNSETTLED } from './orders-repository.ts';
import type { Queryable } from '../lib/db.ts';

export interface IdempotencyRecord {
  request_hash: string;
  order_id: number | null;
  response_status: number | null;
  response_body: StoredResponse | null;
}

/** What a checkout answered, replayable: the success body, or the error to raise again. */
export type StoredResponse =
  | { kind: 'order'; body: unknown }
  | { kind: 'error'; code: string; detail: string; extensions: Record<string, unknown> };

/**
 * Claims (user, key) inside the checkout transaction. A concurrent request with the same key
 * blocks on the primary key until this transaction ends, then sees the record: one order per key.
 */
export async function claimKey(
  tx: Queryable,
  userId: string,
  key: string,
  requestHash: string,
): Promise<IdempotencyRecord | undefined> {
  const inserted = await tx.query(
    'INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key',
    [userId, key, requestHash],
  );
  if (inserted.rows.length > 0) return undefined;
  return readKey(tx, userId, key);
}

export async function readKey(
  db: Queryable,
  userId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<IdempotencyRecord>(
    'SELECT request_hash, order_id, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2',
    [userId, key],
  );
  return rows[0];
}

export async function attachOrder(
  tx: Queryable,
  userId: string,
  key: string,
  orderId: number,
): Promise<void> {
  await tx.query('UPDATE idempotency_keys SET order_id = $3 WHERE user_id = $1 AND key = $2', [
    userId,
    key,
    orderId,
  ]);
}

/**
 * Stores the answer for every key that created this order (used by checkout, recovery and replays).
 * A final answer is never overwritten; a provisional one (the order was not settled yet:
 * `orderStatus` in flight or refunding, see checkout-response.ts) is replaced by a later answer.
 */
export async function storeResponse(
  db: Queryable,
  orderId: number,
  status: number,
  response: StoredResponse,
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET response_status = $2, response_body = $3
      WHERE order_id = $1
        AND (response_status IS NULL
             OR response_body -> 'extensions' ->> 'orderStatus' = ANY($4::text[]))`,
    [orderId, status, JSON.stringify(response), UNSETTLED],
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
