import type { Database } from '@mockmart/service-kit/db';
import { claimKeyForVoid, findKeyState, type StoredCharge } from './charges-repository.ts';

export type VoidOutcome = { status: 'voided' } | { status: 'charged'; charge: StoredCharge };

/**
 * Settles a charge request whose fate the caller does not know. The void claims the key in the
 * table a charge claims it in (charge_keys), so exactly one of them owns it: either the charge
 * exists — it is returned, succeeded or declined — or the key is voided so the request, should it
 * still arrive, is refused. After this call the answer can no longer change: "not charged yet"
 * becomes "never charged".
 */
export async function voidChargeKey(
  db: Database,
  input: { clientId: string; idempotencyKey: string; orderId: string },
): Promise<VoidOutcome> {
  const claim = await claimKeyForVoid(db, input);
  const outcome = outcomeOf(claim);
  if (outcome) return outcome;
  // A charge claimed the key and committed after the statement began: read it now.
  const state = await findKeyState(db, input.clientId, input.idempotencyKey);
  const now = outcomeOf(state);
  if (now) return now;
  throw new Error(`Idempotency-Key ${input.idempotencyKey} is claimed, yet neither charged nor voided`);
}

const outcomeOf = (seen: { voided: boolean; byKey: StoredCharge | null }): VoidOutcome | null => {
  if (seen.byKey) return { status: 'charged', charge: seen.byKey };
  return seen.voided ? { status: 'voided' } : null;
};
