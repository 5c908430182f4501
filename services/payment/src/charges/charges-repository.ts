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

export async function findByKey(tx: Queryable, clientId: string, key: string): Promise<StoredCharge | null> {
  const { rows } = await tx.query<ChargeRow>(
    `SELECT ${COLUMNS} FROM charges WHERE client_id = $1 AND idempotency_key = $2`,
    [clientId, key],
  );
  return rows[0] ? toCharge(rows[0]) : null;
}

/**
 * What a new charge must know before it is made, read in one statement (under the key's lock): the
 * charge already made with this key, whether its caller voided the key, and the order's succeeded
 * charge (made with another key).
 */
export async function findChargeState(
  tx: Queryable,
  clientId: string,
  key: string,
  orderId: string,
): Promise<{ byKey: StoredCharge | null; voided: boolean; paid: StoredCharge | null }> {
  const { rows } = await tx.query<{ by_key: ChargeRow | null; voided: boolean; paid: ChargeRow | null }>(
    `SELECT (SELECT row_to_json(c) FROM (SELECT ${COLUMNS} FROM charges
                                          WHERE client_id = $1 AND idempotency_key = $2) c) AS by_key,
            EXISTS (SELECT 1 FROM voided_keys WHERE client_id = $1 AND idempotency_key = $2) AS voided,
            (SELECT row_to_json(c) FROM (SELECT ${COLUMNS} FROM charges
                                          WHERE order_id = $3 AND status = 'succeeded') c) AS paid`,
    [clientId, key, orderId],
    { prepare: 'charge-state' },
  );
  const row = rows[0]!;
  return {
    byKey: row.by_key && toCharge(row.by_key),
    voided: row.voided,
    paid: row.paid && toCharge(row.paid),
  };
}

export async function findSucceededForOrder(tx: Queryable, orderId: string): Promise<StoredCharge | null> {
  const { rows } = await tx.query<ChargeRow>(
    `SELECT ${COLUMNS} FROM charges WHERE order_id = $1 AND status = 'succeeded'`,
    [orderId],
  );
  return rows[0] ? toCharge(rows[0]) : null;
}

export async function insertCharge(
  tx: Queryable,
  charge: Omit<StoredCharge, 'refundedAmount' | 'netState' | 'createdAt'> & {
    clientId: string;
    idempotencyKey: string;
    customerUserId: string;
  },
): Promise<StoredCharge> {
  const { rows } = await tx.query<ChargeRow>(
    `INSERT INTO charges (charge_id, order_id, client_id, idempotency_key, request_hash, amount, currency,
       payment_method, customer_user_id, status, decline_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${COLUMNS}`,
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
    { prepare: 'charge-insert' },
  );
  return toCharge(rows[0] as ChargeRow);
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
