import type { Database } from '@mockmart/service-kit/db';
import type { Logger } from 'pino';
import { unholdUnits } from '../stock/stock-repository.ts';
import { expireHolds, sumItems } from './reservations-repository.ts';

const BATCH = 500;

/**
 * Releases every hold whose expiry is at or before `now` and returns how many it released.
 * Safe to run on several replicas at once: rows are claimed with FOR UPDATE SKIP LOCKED.
 */
export async function releaseExpiredHolds(db: Database, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const orderIds = await expireHolds(tx, now, BATCH);
      if (orderIds.length === 0) return 0;
      for (const item of await sumItems(tx, orderIds)) await unholdUnits(tx, item.productId, item.quantity);
      return orderIds.length;
    });
    total += count;
    if (count < BATCH) return total;
  }
}

export interface Sweeper {
  /** Runs one sweep now (also what the timer calls); never overlaps with a running sweep. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs releaseExpiredHolds every `intervalMs` until stopped. */
export function startExpirySweeper(options: { db: Database; intervalMs: number; logger: Logger }): Sweeper {
  let running: Promise<number> | undefined;
  const runOnce = () => {
    running ??= releaseExpiredHolds(options.db)
      .then((released) => {
        if (released > 0) options.logger.info({ released }, 'expired holds released');
        return released;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => options.logger.error({ err: error }, 'expiry sweep failed'));
  }, options.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
