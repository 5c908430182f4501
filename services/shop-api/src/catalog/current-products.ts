import { fetchAvailability } from './availability.ts';
import type { ProductRow } from './products-repository.ts';
import { toProduct } from './product-view.ts';
import type { CatalogDeps } from './browse-catalog.ts';
import type { Product } from './schemas.ts';

/**
 * The catalog as the cart reads it: rows as they are now in the database (read by the caller, with
 * its cart lines) and availability asked of inventory, not the browse path's snapshots, so a cart
 * never shows a product as it was.
 */
export async function currentProducts(
  deps: Pick<CatalogDeps, 'inventory' | 'stockTimeoutMs' | 'onStockError'>,
  rows: readonly ProductRow[],
): Promise<Map<number, Product>> {
  const stock = await fetchAvailability(
    deps.inventory,
    rows.map((row) => row.id),
    deps.stockTimeoutMs,
    deps.onStockError,
  );
  return new Map(rows.map((row) => [row.id, toProduct(row, stock.get(row.id))]));
}
