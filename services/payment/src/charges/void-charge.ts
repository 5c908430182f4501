import type { Database } from '@mockmart/service-kit/db';
import { findByKey, lockKey, type StoredCharge } from './charges-repository.ts';

export type VoidOutcome = { status: 'voided' } | { status: 'charged'; charge: StoredCharge };

/**
 * Settles a charge request whose fate the caller does not know. Under the key's lock (the same one
 * createCharge holds), either the charge exists — it is returned, succeeded or declined — or the
 * key is voided so the request, should it still arrive, is refused. After this call the answer can
 * no longer change: "not charged yet" becomes "never charged".
 */
export async function voidChargeKey(
  db: Database,
  input: { clientId: string; idempotencyKey: string; orderId: string },
): Promise<VoidOutcome> {
  return db.transaction(async (tx) => {
    await lockKey(tx, 'charge', input.clientId, input.idempotencyKey);
    const existing = await findByKey(tx, input.clientId, input.idempotencyKey);
    if (existing) return { status: 'charged', charge: existing };
    await tx.query(
      `INSERT INTO voided_keys (client_id, idempotency_key, order_id) VALUES ($1, $2, $3)
       ON CONFLICT (client_id, idempotency_key) DO NOTHING`,
      [input.clientId, input.idempotencyKey, input.orderId],
    );
    return { status: 'voided' };
  });
}
