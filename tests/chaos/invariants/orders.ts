import { FINAL_STATUSES } from '../answers.ts';
import type { Dataset } from '../dataset.ts';
import type { Violation } from './violation.ts';

/** Every order is final: no status in flight, no compensation left for later. */
export function checkOrdersFinal(data: Dataset): Violation[] {
  return data.orders
    .filter((o) => !FINAL_STATUSES.includes(o.status) || o.compensationPending)
    .map((o) => ({
      invariant: 'order-not-final',
      ids: [`order ${o.id}`],
      detail: `status ${o.status}${o.compensationPending ? ' with compensation pending' : ''}`,
    }));
}
