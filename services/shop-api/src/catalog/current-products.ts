import { toProduct } from './product-view.ts';
import type { ProductRow } from './products-repository.ts';
import type { CatalogDeps } from './browse-catalog.ts';
import type { Product } from './schemas.ts';

/**
 * The catalog as the cart reads it: rows as they are now in the database (read by the caller, with
 * its cart lines), and availability as the catalog shows it (at most CATALOG_STOCK_MAX_AGE_MS old,
 * see stock-cache.ts). The cart only informs: the reservation at checkout decides, and a shortfall
 * there fails the order with the figures inventory had at that moment.
 */
export async function currentProducts(
  deps: Pick<CatalogDeps, 'stock'>,
  rows: readonly ProductRow[],
): Promise<Map<number, Product>> {
  const stock = await deps.stock.levels();
  return new Map(rows.map((row) => [row.id, toProduct(row, stock.get(row.id))]));
}
