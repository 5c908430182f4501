export type Availability = 'in_stock' | 'low_stock' | 'out_of_stock' | 'unknown';

/** At or below this many available units a product is shown as "low stock". */
export const LOW_STOCK_THRESHOLD = 5;

export interface StockView {
  stock: number | null;
  availability: Availability;
}

export function describeStock(available: number | undefined): StockView {
  if (available === undefined) return { stock: null, availability: 'unknown' };
  if (available <= 0) return { stock: 0, availability: 'out_of_stock' };
  return { stock: available, availability: available <= LOW_STOCK_THRESHOLD ? 'low_stock' : 'in_stock' };
}
