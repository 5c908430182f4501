import type { InventoryClient } from '../downstream/inventory-client.ts';

export type Availability = 'in_stock' | 'low_stock' | 'out_of_stock' | 'unknown';

/** At or below this many available units a product is shown as "low stock". */
export const LOW_STOCK_THRESHOLD = 5;
/** The inventory query string stays short: ids are fetched in chunks, concurrently. */
const CHUNK = 100;

export interface StockView {
  stock: number | null;
  availability: Availability;
}

export function describeStock(available: number | undefined): StockView {
  if (available === undefined) return { stock: null, availability: 'unknown' };
  if (available <= 0) return { stock: 0, availability: 'out_of_stock' };
  return { stock: available, availability: available <= LOW_STOCK_THRESHOLD ? 'low_stock' : 'in_stock' };
}

/**
 * Available units per product id, or an empty map when inventory cannot answer within the
 * deadline: the catalog stays up and shows availability "unknown" instead of failing.
 */
export async function fetchAvailability(
  inventory: InventoryClient,
  productIds: readonly number[],
  timeoutMs: number,
  onError: (error: unknown) => void,
): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if (productIds.length === 0) return result;
  const deadline = Date.now() + timeoutMs;
  const chunks: number[][] = [];
  for (let i = 0; i < productIds.length; i += CHUNK) chunks.push(productIds.slice(i, i + CHUNK));
  const settled = await Promise.allSettled(chunks.map((ids) => inventory.getStock(ids, { deadline })));
  for (const outcome of settled) {
    if (outcome.status === 'rejected') {
      onError(outcome.reason);
      continue;
    }
    for (const level of outcome.value) result.set(level.productId, level.available);
  }
  return result;
}
