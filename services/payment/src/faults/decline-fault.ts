import type { Queryable } from '@mockmart/service-kit/db';
import type { FaultSwitch } from '@mockmart/service-kit/faults';
import type { PaymentFaultMode } from './modes.ts';

/** The "decline" fault as a new charge sees it. */
export interface DeclineFault {
  /** False when the fault surely does not apply: the charge then needs no transaction. */
  mayApply(): Promise<boolean>;
  /** Takes one application for this user's new charge over its transaction: undone if it rolls back. */
  take(tx: Queryable, userId: string): Promise<boolean>;
}

/**
 * The switch answers `mayTake` from what it knows of itself (the switch is almost always off, and
 * disabled in production): false lets a charge skip the transaction `take` would need.
 */
export function declineFault(faults: FaultSwitch<PaymentFaultMode>): DeclineFault {
  return {
    mayApply: () => faults.mayTake(['decline']),
    async take(tx, userId) {
      return (await faults.take(['decline'], { via: tx, userId })) !== null;
    },
  };
}
