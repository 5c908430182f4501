import type { Queryable } from '@mockmart/service-kit/db';
import type { Charge, NetState } from '@mockmart/contracts/payment';

export type { Charge, NetState };

/**
 * What a charge amounts to now, refunds included — the only thing a caller deciding whether an
 * order is paid may read. `status` alone says how the charge attempt ended ('succeeded' stays
 * 'succeeded' after a full refund).
 */
export function netStateOf(charge: {
  status: 'succeeded' | 'declined';
  amount: number;
  refundedAmount: number;
}): NetState {
  if (charge.status === 'declined') return 'declined';
  if (charge.refundedAmount === 0) return 'captured';
  return charge.refundedAmount >= charge.amount ? 'refunded' : 'partially_refunded';
}

export interface StoredCharge extends Charge {
  requestHash: string;
}

interface ChargeRow {
  charge_id: string;
  order_id: string;
  status: 'succeeded' | 'declined';
  amount: number | string;
  currency: string;
  payment_method: string;
  decline_reason: string | null;
  refunded_amount: number | string;
  created_at: Date | string;
  request_hash: string;
}

const COLUMNS =
  'charge_id, order_id, status, amount, currency, payment_method, decline_reason, refunded_amount, created_at, request_hash';

const toCharge = (row: ChargeRow): StoredCharge => {
  const money = {
    status: row.status,
    amount: Number(row.amount),
    refundedAmount: Number(row.refunded_amount),
  };
  return {
    chargeId: row.charge_id,
    orderId: row.order_id,
    status: row.status,
    amount: money.amount,
    currency: row.currency,
    paymentMethod: row.payment_method,
    declineReason: row.decline_reason,
    refundedAmount: money.refundedAmount,
    netState: netStateOf(money),
    createdAt: new Date(row.created_at).toISOString(),
    requestHash: row.request_hash,
  };
};

/** Public view: the request hash stays inside. */
export function publicCharge(charge: StoredCharge): Charge {
  const { requestHash: _hash, ...rest } = charge;
  return rest;
}

/** Serialises concurrent requests that share an idempotency key, for this transaction's lifetime. */
export async function lockKey(tx: Queryable, scope: string, clientId: string, key: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${scope}\n${clientId}\n${key}`], {
    prepare: 'charge-lock-key',
  });
}

/**
 * Where an Idempotency-Key stands, read in one statement: the charge made with it, and whether its
 * caller voided it (at most one of the two: they claim the key in charge_keys).
 */
export async function findKeyState(
  db: Queryable,
  clientId: string,
  key: string,
): Promise<{ byKey: StoredCharge | null; voided: boolean }> {
  const { rows } = await db.query<{ by_key: ChargeRow | null; voided: boolean }>(
    `SELECT (SELECT row_to_json(c) FROM (SELECT ${COLUMNS} FROM charges
                                          WHERE client_id = $1 AND idempotency_key = $2) c) AS by_key,
            EXISTS (SELECT 1 FROM charge_keys WHERE client_id = $1 AND idempotency_key = $2 AND voided) AS voided`,
    [clientId, key],
    { prepare: 'charge-key-state' },
  );
  const row = rows[0]!;
  return { byKey: row.by_key && toCharge(row.by_key), voided: row.voided };
}

export async function findSucceededForOrder(tx: Queryable, orderId: string): Promise<StoredCharge | null> {
  const { rows } = await tx.query<ChargeRow>(
    `SELECT ${COLUMNS} FROM charges WHERE order_id = $1 AND status = 'succeeded'`,
    [orderId],
  );
  return rows[0] ? toCharge(rows[0]) : null;
}

export type NewCharge = Omit<StoredCharge, 'refundedAmount' | 'netState' | 'createdAt'> & {
  clientId: string;
  idempotencyKey: string;
  customerUserId: string;
};

/** What one attempt to make a charge did, and what it saw when it made none. */
export interface ChargeAttempt {
  /** The charge this statement made, or null. */
  made: StoredCharge | null;
  /** The charge already made with the key. */
  byKey: StoredCharge | null;
  /** Whether the key's caller voided it. */
  voided: boolean;
  /** The order's succeeded charge (made with another key): nothing was attempted then. */
  paid: StoredCharge | null;
}

/**
 * Makes a charge in one statement: claims its key in charge_keys and inserts the charge, unless
 * the order is already paid. A key already claimed — by a charge, or by a void — makes nothing:
 * ON CONFLICT waits for a claim still in flight, so concurrent requests with one key make one
 * charge, and a void racing the charge either owns the key or finds the charge. What the statement
 * saw (its snapshot) comes back with it; a claim committed after the statement began is in none
 * of it, and the caller reads it again (findKeyState).
 */
export async function makeCharge(db: Queryable, charge: NewCharge): Promise<ChargeAttempt> {
  const { rows } = await db.query<{
    made: ChargeRow | null;
    by_key: ChargeRow | null;
    voided: boolean;
    paid: ChargeRow | null;
  }>(
    `WITH paid AS (
       SELECT ${COLUMNS} FROM charges WHERE order_id = $2 AND status = 'succeeded'
     ), claimed AS (
       INSERT INTO charge_keys (client_id, idempotency_key, order_id, voided)
       SELECT $3, $4, $2, false WHERE NOT EXISTS (SELECT FROM paid)
       ON CONFLICT (client_id, idempotency_key) DO NOTHING
       RETURNING client_id
     ), made AS (
       INSERT INTO charges (charge_id, order_id, client_id, idempotency_key, request_hash, amount, currency,
         payment_method, customer_user_id, status, decline_reason)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM claimed
       RETURNING ${COLUMNS}
     )
     SELECT (SELECT row_to_json(m) FROM made m) AS made,
            (SELECT row_to_json(c) FROM (SELECT ${COLUMNS} FROM charges
                                          WHERE client_id = $3 AND idempotency_key = $4) c) AS by_key,
            EXISTS (SELECT 1 FROM charge_keys WHERE client_id = $3 AND idempotency_key = $4 AND voided) AS voided,
            (SELECT row_to_json(p) FROM paid p) AS paid`,
    [
      charge.chargeId,
      charge.orderId,
      charge.clientId,
      charge.idempotencyKey,
      charge.requestHash,
      charge.amount,
      charge.currency,
      charge.paymentMethod,
      charge.customerUserId,
      charge.status,
      charge.declineReason,
    ],
    { prepare: 'charge-make' },
  );
  const row = rows[0]!;
  return {
    made: row.made && toCharge(row.made),
    byKey: row.by_key && toCharge(row.by_key),
    voided: row.voided,
    paid: row.paid && toCharge(row.paid),
  };
}

/**
 * Voids a key in one statement by claiming it in charge_keys, unless a charge (or an earlier void)
 * claimed it first. Returns what the statement saw: a claim committed after it began is in none of
 * it, and the caller reads it again (findKeyState).
 */
export async function claimKeyForVoid(
  db: Queryable,
  input: { clientId: string; idempotencyKey: string; orderId: string },
): Promise<{ voided: boolean; byKey: StoredCharge | null }> {
  const { rows } = await db.query<{ voided: boolean; by_key: ChargeRow | null }>(
    `WITH claimed AS (
       INSERT INTO charge_keys (client_id, idempotency_key, order_id, voided) VALUES ($1, $2, $3, true)
       ON CONFLICT (client_id, idempotency_key) DO NOTHING
       RETURNING client_id
     )
     SELECT EXISTS (SELECT FROM claimed)
              OR EXISTS (SELECT 1 FROM charge_keys WHERE client_id = $1 AND idempotency_key = $2 AND voided) AS voided,
            (SELECT row_to_json(c) FROM (SELECT ${COLUMNS} FROM charges
                                          WHERE client_id = $1 AND idempotency_key = $2) c) AS by_key`,
    [input.clientId, input.idempotencyKey, input.orderId],
    { prepare: 'charge-void' },
  );
  const row = rows[0]!;
  return { voided: row.voided, byKey: row.by_key && toCharge(row.by_key) };
}

export async function listCharges(
  db: Queryable,
  filter: { orderId?: string | undefined; limit: number },
): Promise<StoredCharge[]> {
  const { rows } = filter.orderId
    ? await db.query<ChargeRow>(
        `SELECT ${COLUMNS} FROM charges WHERE order_id = $1 ORDER BY created_at, charge_id LIMIT $2`,
        [filter.orderId, filter.limit],
      )
    : await db.query<ChargeRow>(
        `SELECT ${COLUMNS} FROM charges ORDER BY created_at DESC, charge_id LIMIT $1`,
        [filter.limit],
      );
  return rows.map(toCharge);
}

/** Locks the charge row (refunds of one charge serialise on it). */
export async function lockCharge(tx: Queryable, chargeId: string): Promise<StoredCharge | null> {
  const { rows } = await tx.query<ChargeRow>(
    `SELECT ${COLUMNS} FROM charges WHERE charge_id = $1 FOR UPDATE`,
    [chargeId],
  );
  return rows[0] ? toCharge(rows[0]) : null;
}

export async function addRefunded(tx: Queryable, chargeId: string, amount: number): Promise<void> {
  await tx.query('UPDATE charges SET refunded_amount = refunded_amount + $2 WHERE charge_id = $1', [
    chargeId,
    amount,
  ]);
}
