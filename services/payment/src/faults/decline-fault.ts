import type { Queryable } from '@mockmart/service-kit/db';
import type { FaultSwitch } from '@mockmart/service-kit/faults';
import type { PaymentFaultMode } from './modes.ts';

/** The "decline" fault as a new charge sees it. */
export interface DeclineFault {
  /**
   * False when the fault surely does not apply to this user's charge, known without a statement:
   * the charge then needs no transaction. True when the switch must be asked over the database.
   */
  mayApply(userId: string): Promise<boolean>;
  /** Takes one application for this user's new charge over its transaction: undone if it rolls back. */
  take(tx: Queryable, userId: string): Promise<boolean>;
}

/** Thrown by the connection `mayApply` hands the switch: the switch wanted a statement. */
class NeedsStatement extends Error {}

const refusesStatements: Queryable = {
  query: () => Promise.reject(new NeedsStatement('the fault switch needs the database')),
};

/**
 * The switch answers from memory while it is off (or disabled, in production), and takes a fault
 * only through the connection it is given. So `mayApply` asks it over a connection that refuses
 * every statement: an answer means the fault is off; a refusal means it is on, or the switch's
 * memory is stale, and the charge takes the transactional path where `take` runs for real. It can
 * err only towards that path, never spend an application, and never miss one.
 */
export function declineFault(faults: FaultSwitch<PaymentFaultMode>): DeclineFault {
  return {
    async mayApply(userId) {
      try {
        return (await faults.take(['decline'], { via: refusesStatements, userId })) !== null;
      } catch (error) {
        if (error instanceof NeedsStatement) return true;
        throw error;
      }
    },
    async take(tx, userId) {
      return (await faults.take(['decline'], { via: tx, userId })) !== null;
    },
  };
}
