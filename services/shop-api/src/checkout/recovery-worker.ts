import { pruneKeys } from './idempotency-repository.ts';
import { leaseUnsettled } from './orders-repository.ts';
import { workerLoop, type WorkerLoop } from '@mockmart/service-kit';
import { recoverOrder, type RecoveryDeps, type RecoveryOutcome } from './recover-order.ts';

export interface RecoveryWorkerOptions extends RecoveryDeps {
  intervalMs: number;
  /** An in-flight order untouched for this long is considered abandoned by its request. */
  stuckAfterMs: number;
  batchSize?: number;
  log: RecoveryDeps['log'] & { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface RecoveryWorker extends WorkerLoop {
  runOnce(): Promise<Record<RecoveryOutcome | 'error', number>>;
}

/** Idempotency keys older than this are pruned (the IETF draft asks for at least 24 h). */
const KEY_RETENTION_HOURS = 48;

/** Runs on start and then periodically: settles stuck orders, then prunes old idempotency keys. */
export function createRecoveryWorker(options: RecoveryWorkerOptions): RecoveryWorker {
  const batchSize = options.batchSize ?? 20;
  // The lease outlives one recovery attempt; a crashed worker's orders come back after it.
  const leaseMs = Math.max(60_000, options.stuckAfterMs);

  async function runOnce() {
    const counts: Record<RecoveryOutcome | 'error', number> = {
      confirmed: 0,
      failed: 0,
      compensated: 0,
      'still-pending': 0,
      error: 0,
    };
    const orders = await leaseUnsettled(options.db, options.stuckAfterMs, leaseMs, batchSize);
    const outcomes = await Promise.allSettled(orders.map((order) => recoverOrder(options, order)));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') counts[outcome.value]++;
      else {
        counts.error++;
        options.log.warn(
          { orderId: orders[i]!.id, err: outcome.reason },
          'order recovery failed; will retry',
        );
      }
    });
    if (orders.length > 0) options.log.info({ counts }, 'recovery pass');
    await pruneKeys(options.db, KEY_RETENTION_HOURS);
    return counts;
  }

  const loop = workerLoop(options.intervalMs, runOnce, (error) =>
    options.log.error({ err: error }, 'recovery pass failed'),
  );
  return { ...loop, runOnce };
}
