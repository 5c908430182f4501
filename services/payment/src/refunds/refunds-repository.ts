import type { Queryable } from '@mockmart/service-kit/db';
import type { Refund } from '@mockmart/contracts/payment';
import { netStateOf } from '../charges/charges-repository.ts';

export type { Refund };

export interface StoredRefund extends Refund {
  requestHash: string;
}

interface RefundRow {
  refund_id: string;
  charge_id: string;
  amount: number | string;
  currency: string;
  reason: string;
  status: 'succeeded';
  created_at: Date | string;
  request_hash: string;
  charge_status: 'succeeded' | 'declined';
  charge_amount: number | string;
  charge_refunded: number | string;
}

// The charge's figures give the refund its netState as of now, like every charge answer.
const SELECT = `SELECT r.refund_id, r.charge_id, r.amount, c.currency, r.reason, r.status, r.created_at, r.request_hash,
       c.status AS charge_status, c.amount AS charge_amount, c.refunded_amount AS charge_refunded
  FROM refunds r JOIN charges c USING (charge_id)`;

const toRefund = (row: RefundRow): StoredRefund => ({
  refundId: row.refund_id,
  chargeId: row.charge_id,
  amount: Number(row.amount),
  currency: row.currency,
  reason: row.reason,
  status: row.status,
  netState: netStateOf({
    status: row.charge_status,
    amount: Number(row.charge_amount),
    refundedAmount: Number(row.charge_refunded),
  }),
  createdAt: new Date(row.created_at).toISOString(),
  requestHash: row.request_hash,
});

export function publicRefund(refund: StoredRefund): Refund {
  const { requestHash: _hash, ...rest } = refund;
  return rest;
}

export async function findRefundByKey(
  tx: Queryable,
  clientId: string,
  key: string,
): Promise<StoredRefund | null> {
  const { rows } = await tx.query<RefundRow>(`${SELECT} WHERE r.client_id = $1 AND r.idempotency_key = $2`, [
    clientId,
    key,
  ]);
  return rows[0] ? toRefund(rows[0]) : null;
}

export async function insertRefund(
  tx: Queryable,
  refund: {
    refundId: string;
    chargeId: string;
    clientId: string;
    idempotencyKey: string;
    requestHash: string;
    amount: number;
    reason: string;
  },
): Promise<StoredRefund> {
  await tx.query(
    `INSERT INTO refunds (refund_id, charge_id, client_id, idempotency_key, request_hash, amount, reason, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'succeeded')`,
    [
      refund.refundId,
      refund.chargeId,
      refund.clientId,
      refund.idempotencyKey,
      refund.requestHash,
      refund.amount,
      refund.reason,
    ],
  );
  const { rows } = await tx.query<RefundRow>(`${SELECT} WHERE r.refund_id = $1`, [refund.refundId]);
  return toRefund(rows[0] as RefundRow);
}
