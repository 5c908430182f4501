import { randomUUID } from 'node:crypto';
import type { Database } from '@mockmart/service-kit/db';
import { requestFingerprint } from '@mockmart/service-kit';
import { declineReason, type DeclineReason } from '../decline-rules.ts';
import { ChargeVoided, IdempotencyMismatch, OrderAlreadyPaid } from '../errors.ts';
import type { DeclineFault } from '../faults/decline-fault.ts';
import {
  findKeyState,
  findSucceededForOrder,
  makeCharge,
  type ChargeAttempt,
  type NewCharge,
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
  /** The "decline" fault, taken only by a charge that is made. */
  declineFault: DeclineFault;
}

/**
 * Charges an order once per Idempotency-Key (scoped to the calling client). The first request
 * decides the outcome — succeeded or declined, both recorded — and every replay with the same key
 * and body gets that outcome back; the same key with another body is PAY_IDEMPOTENCY_MISMATCH.
 * A new charge is one statement (makeCharge): it claims the key, so concurrent requests with one
 * key make one charge and a void of the key (void-charge.ts) either comes first — the request is
 * refused — or finds the charge. An order can have at most one succeeded charge (a unique partial
 * index backs this up across keys).
 */
export async function createCharge(
  deps: ChargeDeps,
  input: { clientId: string; idempotencyKey: string; request: ChargeRequest },
): Promise<{ created: boolean; charge: StoredCharge }> {
  const { clientId, idempotencyKey, request } = input;
  const requestHash = requestFingerprint(request);
  const newCharge = (reason: DeclineReason | null): NewCharge => ({
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
  try {
    const ruled = declineReason(request);
    const attempt = (await deps.declineFault.mayApply())
      ? await makeChargeTakingFault(deps, request.customer.userId, (simulated) =>
          newCharge(simulated ? 'simulated_decline' : ruled),
        )
      : await makeCharge(deps.db, newCharge(ruled));
    if (attempt.made) return { created: true, charge: attempt.made };
    const earlier = answerFrom(attempt, requestHash);
    if (earlier) return earlier;
    // The key was claimed by a request that committed after this statement began: read it now.
    const state = await findKeyState(deps.db, clientId, idempotencyKey);
    const now = answerFrom({ ...state, paid: null }, requestHash);
    if (now) return now;
    throw new Error(`Idempotency-Key ${idempotencyKey} is claimed, yet neither charged nor voided`);
  } catch (error) {
    // Two different keys racing to pay one order: the unique partial index lets only one through.
    if ((error as { code?: string }).code === '23505') {
      const paid = await findSucceededForOrder(deps.db, request.orderId);
      if (paid) throw alreadyPaid(request.orderId, paid.chargeId);
    }
    throw error;
  }
}

/**
 * With the decline fault possibly on, it is taken inside a transaction that makes the charge, and
 * given back (rolled back) when the statement made none: a replay, a voided key or a paid order
 * never spends it.
 */
async function makeChargeTakingFault(
  deps: ChargeDeps,
  userId: string,
  newCharge: (simulated: boolean) => NewCharge,
): Promise<ChargeAttempt> {
  try {
    return await deps.db.transaction(async (tx) => {
      const attempt = await makeCharge(tx, newCharge(await deps.declineFault.take(tx, userId)));
      if (!attempt.made) throw new NothingMade(attempt);
      return attempt;
    });
  } catch (error) {
    if (error instanceof NothingMade) return error.attempt;
    throw error;
  }
}

/** Rolls back the transaction of a charge that was not made, carrying what its statement saw. */
class NothingMade extends Error {
  readonly attempt: ChargeAttempt;
  constructor(attempt: ChargeAttempt) {
    super('no charge was made');
    this.attempt = attempt;
  }
}

/** The answer for a key already used, or an order paid with another key; null when none applies. */
function answerFrom(
  seen: Omit<ChargeAttempt, 'made'>,
  requestHash: string,
): { created: false; charge: StoredCharge } | null {
  if (seen.byKey) {
    if (seen.byKey.requestHash !== requestHash) throw mismatch();
    return { created: false, charge: seen.byKey };
  }
  if (seen.voided) {
    throw new ChargeVoided('This Idempotency-Key was voided by its caller; nothing was charged');
  }
  if (seen.paid) throw alreadyPaid(seen.paid.orderId, seen.paid.chargeId);
  return null;
}

const mismatch = () =>
  new IdempotencyMismatch(
    'The Idempotency-Key was first used with a different body; use a new key for a new charge',
  );

const alreadyPaid = (orderId: string, chargeId: string) =>
  new OrderAlreadyPaid(`Order ${orderId} is already paid by charge ${chargeId}`, {
    extensions: { chargeId },
  });
