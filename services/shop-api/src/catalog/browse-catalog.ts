import { filterProducts } from './product-filter.ts';
import { toProduct } from './product-view.ts';
import { ProductNotFound } from '../errors.ts';
import { pagingFrom, toPage, type Page } from '../lib/pagination.ts';
import type { InventoryClient } from '../downstream/inventory-client.ts';
import type { Queryable } from '../lib/db.ts';
import type { ProductCache } from './product-cache.ts';
import type { StockCache } from './stock-cache.ts';
import type { ListProductsQuery, Product } from './schemas.ts';

export interface CatalogDeps {
  db: Queryable;
  inventory: InventoryClient;
  /** The catalog in memory, and availability at most CATALOG_STOCK_MAX_AGE_MS old. */
  products: ProductCache;
  stock: StockCache;
}

/** Products filtered and sorted like the original, with availability from inventory. */
export async function listProducts(
  deps: CatalogDeps,
  query: ListProductsQuery,
): Promise<Product[] | Page<Product>> {
  const paging = pagingFrom(query);
  const [catalog, stock] = await Promise.all([deps.products.snapshot(), deps.stock.levels()]);
  const { rows, total } = filterProducts(catalog.products, {
    ...query,
    limit: paging?.limit,
    offset: paging?.offset,
  });
  const products = rows.map((row) => toProduct(row, stock.get(row.id)));
  return paging ? toPage(products, total, paging) : products;
}

export async function getProduct(deps: CatalogDeps, id: number): Promise<Product> {
  const [catalog, stock] = await Promise.all([deps.products.snapshot(), deps.stock.levels()]);
  const row = catalog.byId.get(id);
  if (!row) throw new ProductNotFound(`No product with id ${id}`);
  return toProduct(row, stock.get(id));
}

export async function listCategories(deps: Pick<CatalogDeps, 'products'>): Promise<string[]> {
  return (await deps.products.snapshot()).categories;
}
