import type { InventoryClient } from '../downstream/inventory-client.ts';

/**
 * - committed: inventory has sold the units to this order;
 * - gone: it never will (the hold was released, expired or reversed): nothing of ours is committed;
 * - in-doubt: no answer in time — inventory may or may not have committed; recovery asks later.
 */
export type CommitOutcome = 'committed' | 'gone' | 'in-doubt';

/**
 * Commits the order's reservation, and when the answer is lost (timeout, connection dropped)
 * resolves the doubt by asking rather than assuming: the reservation's state at inventory decides.
 * Committed → done (the customer's paid order stands); still held → the commit never ran
 * (inventory starts no work past our deadline), so it is sent again — it is idempotent; released or
 * expired → gone. The question gets one downstream attempt of its own (`askMs`) even when the
 * checkout's deadline was spent waiting for the lost answer. Never throws.
 */
export async function commitReservation(
  inventory: InventoryClient,
  ref: string,
  deadline: number,
  askMs: number,
): Promise<CommitOutcome> {
  try {
    return await inventory.commit(ref, deadline);
  } catch {
    // The commit's answer is lost: what did inventory do?
  }
  const askUntil = Math.max(deadline, Date.now() + askMs);
  try {
    const reservation = await inventory.getReservation(ref, askUntil);
    if (reservation?.status === 'committed') return 'committed';
    if (reservation?.status !== 'held') return 'gone';
    return await inventory.commit(ref, askUntil);
  } catch {
    return 'in-doubt';
  }
}
