/**
 * After the faults: wait, bounded, until the system has nothing left to do — no order in flight or
 * with compensation pending, no outbox event still to deliver, no stock hold left — reading the
 * services' databases. A run that does not get there within the bound is judged as it stands (the
 * invariants then name what is left).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_STATUSES } from './answers.ts';
import type { ServiceReaders } from './dataset.ts';

export interface Unsettled {
  inFlight: number;
  compensating: number;
  outbox: number;
  held: number;
}

export async function unsettled(dbs: ServiceReaders): Promise<Unsettled> {
  const [shop, inventory] = await Promise.all([
    dbs.shop.query<{ in_flight: number; compensating: number; outbox: number }>(
      `SELECT (SELECT count(*) FROM orders WHERE status <> ALL($1::text[]))::int AS in_flight,
              (SELECT count(*) FROM orders WHERE compensation_pending)::int AS compensating,
              (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL)::int AS outbox`,
      [FINAL_STATUSES],
    ),
    dbs.inventory.query<{ held: number }>(
      `SELECT count(*)::int AS held FROM reservations WHERE status = 'held'`,
    ),
  ]);
  const s = shop.rows[0]!;
  return {
    inFlight: s.in_flight,
    compensating: s.compensating,
    outbox: s.outbox,
    held: inventory.rows[0]!.held,
  };
}

const isQuiet = (u: Unsettled) => u.inFlight + u.compensating + u.outbox + u.held === 0;

/** Resolves with how long it took, or with what was still open when the bound passed. */
export async function waitUntilSettled(
  dbs: ServiceReaders,
  timeoutMs: number,
): Promise<{ settled: boolean; waitedMs: number; left: Unsettled }> {
  const started = Date.now();
  for (;;) {
    const left = await unsettled(dbs);
    const waitedMs = Date.now() - started;
    if (isQuiet(left)) return { settled: true, waitedMs, left };
    if (waitedMs >= timeoutMs) return { settled: false, waitedMs, left };
    await sleep(500);
  }
}
