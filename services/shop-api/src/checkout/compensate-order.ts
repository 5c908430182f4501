import { orderRef } from '../outbox/order-events.ts';
import type { InventoryClient } from '../downstream/inventory-client.ts';
import type { PaymentClient } from '../downstream/payment-client.ts';
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
 * Undoes what a checkout may have done downstream. Every step is idempotent (release per order id,
 * refund per key), so it is safe to run again after a crash or from the recovery worker.
 * `chargeMayExist`: the outcome of a charge call is unknown (timeout), so ask payment.
 */
export async function compensate(
  deps: CompensationDeps,
  order: OrderRow,
  options: { chargeId?: string | null; chargeMayExist?: boolean; releaseStock?: boolean },
): Promise<Compensation> {
  const ref = orderRef(order.id);
  let complete = true;
  let refundId: string | undefined;

  const release = options.releaseStock === false ? Promise.resolve() : deps.inventory.release(ref);
  const refund = (async () => {
    const chargeIds = new Set<string>(options.chargeId ? [options.chargeId] : []);
    if (options.chargeMayExist) {
      for (const charge of await deps.payment.listCharges(ref))
        if (charge.status === 'succeeded') chargeIds.add(charge.chargeId);
    }
    for (const chargeId of chargeIds) {
      refundId = (
        await deps.payment.refund(
          chargeId,
          `order ${order.id} not completed`,
          `order-${order.id}-refund-${chargeId}`,
        )
      ).refundId;
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
