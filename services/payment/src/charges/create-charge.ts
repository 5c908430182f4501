import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@mockmart/service-kit/db';
import { declineReason, type DeclineReason } from '../decline-rules.ts';
import { ChargeVoided, IdempotencyMismatch, OrderAlreadyPaid } from '../errors.ts';
import { requestFingerprint } from '@mockmart/service-kit';
import {
  findChargeState,
  findSucceededForOrder,
  insertCharge,
  lockKey,
  type StoredCharge,
} from './charges-repository.ts';

export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  customer: { userId: string; email?: string | undefined };
}

export interface ChargeDeps {
  db: Database;
  /** True when the "decline" fault applies to this new charge (runs inside the charge's transaction). */
  simulateDecline: (tx: Queryable, userId: string) => Promise<boolean>;
}

/**
 * Charges an order once per Idempotency-Key (scoped to the calling client). The first request
 * decides the outcome — succeeded or declined, both recorded — and every replay with the same key
 * and body gets that outcome back; the same key with another body is PAY_IDEMPOTENCY_MISMATCH.
 * Concurrent requests with one key serialise on an advisory lock; an order can have at most one
 * succeeded charge (a unique partial index backs this up across keys). A key its caller voided
 * (see void-charge.ts) is refused.
 */
export async function createCharge(
  deps: ChargeDeps,
  input: { clientId: string; idempotencyKey: string; request: ChargeRequest },
): Promise<{ created: boolean; charge: StoredCharge }> {
  const { clientId, idempotencyKey, request } = input;
  const requestHash = requestFingerprint(request);
  try {
    return await deps.db.transaction(async (tx) => {
      await lockKey(tx, 'charge', clientId, idempotencyKey);
      // Read after the lock (its own statement): a request that held it has committed by now.
      const state = await findChargeState(tx, clientId, idempotencyKey, request.orderId);
      if (state.byKey) {
        if (state.byKey.requestHash !== requestHash) throw mismatch();
        return { created: false, charge: state.byKey };
      }
      if (state.voided) {
        throw new ChargeVoided('This Idempotency-Key was voided by its caller; nothing was charged');
      }
      if (state.paid) throw alreadyPaid(request.orderId, state.paid.chargeId);

      const reason: DeclineReason | null = (await deps.simulateDecline(tx, request.customer.userId))
        ? 'simulated_decline'
        : declineReason(request);
      const charge = await insertCharge(tx, {
        chargeId: `ch_${randomUUID()}`,
        orderId: request.orderId,
        clientId,
        idempotencyKey,
        requestHash,
        amount: request.amount,
        currency: request.currency,
        paymentMethod: request.paymentMethod,
        customerUserId: request.customer.userId,
        status: reason ? 'declined' : 'succeeded',
        declineReason: reason,
      });
      return { created: true, charge };
    });
  } catch (error) {
    // Two different keys racing to pay one order: the unique partial index lets only one through.
    if ((error as { code?: string }).code === '23505') {
      const paid = await findSucceededForOrder(deps.db, request.orderId);
      if (paid) throw alreadyPaid(request.orderId, paid.chargeId);
    }
    throw error;
  }
}

const mismatch = () =>
  new IdempotencyMismatch(
    'The Idempotency-Key was first used with a different body; use a new key for a new charge',
  );

const alreadyPaid = (orderId: string, chargeId: string) =>
  new OrderAlreadyPaid(`Order ${orderId} is already paid by charge ${chargeId}`, {
    extensions: { chargeId },
  });
