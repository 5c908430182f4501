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
  return db.transaction(async (tx) => {
    // A charge's statement claims its key only once it runs, after its lock on the charges table
    // is granted: one queued behind another transaction's lock has claimed nothing yet. SHARE
    // mode waits for every charge running or queued (and holds new ones back for this short
    // transaction), so a charge that reached the database before the void is booked first and
    // the void answers it, rather than refusing a charge already under way.
    await tx.query('LOCK TABLE charges IN SHARE MODE');
    const outcome = outcomeOf(await claimKeyForVoid(tx, input));
    if (outcome) return outcome;
    // Another void of the key committed after the statement began: read it now.
    const now = outcomeOf(await findKeyState(tx, input.clientId, input.idempotencyKey));
    if (now) return now;
    throw new Error(`Idempotency-Key ${input.idempotencyKey} is claimed, yet neither charged nor voided`);
  });
}

const outcomeOf = (seen: { voided: boolean; byKey: StoredCharge | null }): VoidOutcome | null => {
  if (seen.byKey) return { status: 'charged', charge: seen.byKey };
  return seen.voided ? { status: 'voided' } : null;
};
