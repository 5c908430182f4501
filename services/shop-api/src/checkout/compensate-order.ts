import { orderRef } from '../outbox/order-events.ts';
import type { InventoryClient, StockState } from '../downstream/inventory-client.ts';
import { keepsMoney, type PaymentClient } from '../downstream/payment-client.ts';
import type { OrderRow } from './orders-repository.ts';

export interface CompensationDeps {
  inventory: InventoryClient;
  payment: PaymentClient;
  log: { warn(obj: object, msg: string): void };
}

export interface Compensation {
  /** false when a step could not be done now; the recovery worker retries it. */
  complete: boolean;
  refundId?: string;
}

/**
 * Undoes what a checkout may have done downstream. Every step is idempotent (release and reverse
 * per order id, refund per key), so it is safe to run again after a crash or from the recovery
 * worker. The stock goes back whatever inventory did: a hold is released, and a reservation
 * inventory reports committed (a commit whose answer was lost) is reversed — a failed order never
 * keeps stock. `chargeMayExist`: the outcome of a charge call is unknown (timeout), so ask payment;
 * only money still kept (captured, partly refunded) is refunded.
 */
export async function compensate(
  deps: CompensationDeps,
  order: OrderRow,
  options: { chargeId?: string | null; chargeMayExist?: boolean; releaseStock?: boolean },
): Promise<Compensation> {
  const ref = orderRef(order.id);
  let complete = true;
  let refundId: string | undefined;

  const release = options.releaseStock === false ? Promise.resolve() : giveStockBack(deps.inventory, ref);
  const refund = (async () => {
    const chargeIds = new Set<string>(options.chargeId ? [options.chargeId] : []);
    if (options.chargeMayExist) {
      for (const charge of await deps.payment.listCharges(ref))
        if (keepsMoney(charge.netState)) chargeIds.add(charge.chargeId);
    }
    for (const chargeId of chargeIds) {
      const refunded = await deps.payment.refund(
        chargeId,
        `order ${order.id} not completed`,
        `order-${order.id}-refund-${chargeId}`,
      );
      refundId = refunded.refundId ?? refundId;
    }
  })();

  // Release and refund do not depend on each other: run them together.
  const [released, refunded] = await Promise.allSettled([release, refund]);
  for (const [step, outcome] of [
    ['release', released],
    ['refund', refunded],
  ] as const) {
    if (outcome.status === 'rejected') {
      complete = false;
      deps.log.warn(
        { orderId: order.id, step, err: outcome.reason },
        'compensation step failed; recovery will retry',
      );
    }
  }
  return refundId === undefined ? { complete } : { complete, refundId };
}

/** Release the hold, or reverse the sale if inventory committed it; throws if it is still committed. */
async function giveStockBack(inventory: InventoryClient, ref: string): Promise<StockState> {
  const released = await inventory.release(ref);
  if (released !== 'committed') return released;
  const reversed = await inventory.reverse(ref);
  if (reversed === 'committed') throw new Error(`inventory still reports order ${ref} committed`);
  return reversed;
}
