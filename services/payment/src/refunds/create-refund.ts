import { randomUUID } from 'node:crypto';
import type { Database } from '@mockmart/service-kit/db';
import { addRefunded, lockCharge, lockKey } from '../charges/charges-repository.ts';
import {
  AlreadyRefunded,
  ChargeNotFound,
  ChargeNotRefundable,
  IdempotencyMismatch,
  RefundExceedsCharge,
} from '../errors.ts';
import { requestFingerprint } from '@mockmart/service-kit';
import { findRefundByKey, insertRefund, type StoredRefund } from './refunds-repository.ts';

export interface RefundRequest {
  chargeId: string;
  amount?: number | undefined;
  reason: string;
}

/**
 * Refunds part or all of a succeeded charge, once per Idempotency-Key. The charge row is locked
 * while the refund is booked, and a CHECK constraint keeps refunds within the charged amount.
 */
export async function createRefund(
  db: Database,
  input: { clientId: string; idempotencyKey: string; request: RefundRequest },
): Promise<{ created: boolean; refund: StoredRefund }> {
  const { clientId, idempotencyKey, request } = input;
  const requestHash = requestFingerprint(request);
  return db.transaction(async (tx) => {
    await lockKey(tx, 'refund', clientId, idempotencyKey);
    const existing = await findRefundByKey(tx, clientId, idempotencyKey);
    if (existing) {
      if (existing.requestHash !== requestHash) {
        throw new IdempotencyMismatch('The Idempotency-Key was first used with a different refund request');
      }
      return { created: false, refund: existing };
    }
    const charge = await lockCharge(tx, request.chargeId);
    if (!charge) throw new ChargeNotFound(`No charge ${request.chargeId}`);
    if (charge.status !== 'succeeded')
      throw new ChargeNotRefundable(`Charge ${charge.chargeId} was declined`);
    const left = charge.amount - charge.refundedAmount;
    if (left === 0) throw new AlreadyRefunded(`Charge ${charge.chargeId} is already fully refunded`);
    const amount = request.amount ?? left;
    if (amount > left) {
      throw new RefundExceedsCharge(`Only ${left} of charge ${charge.chargeId} can still be refunded`, {
        extensions: { refundable: left },
      });
    }
    await addRefunded(tx, charge.chargeId, amount);
    const refund = await insertRefund(tx, {
      refundId: `re_${randomUUID()}`,
      chargeId: charge.chargeId,
      clientId,
      idempotencyKey,
      requestHash,
      amount,
      reason: request.reason,
    });
    return { created: true, refund };
  });
}
