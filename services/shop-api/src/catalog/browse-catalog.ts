import { fetchAvailability } from './availability.ts';
import { findProduct, findProducts, listCategorySlugs } from './products-repository.ts';
import { toProduct } from './product-view.ts';
import { ProductNotFound } from '../errors.ts';
import { pagingFrom, toPage, type Page } from '../lib/pagination.ts';
import type { InventoryClient } from '../downstream/inventory-client.ts';
import type { Queryable } from '../lib/db.ts';
import type { ListProductsQuery, Product } from './schemas.ts';

export interface CatalogDeps {
  db: Queryable;
  inventory: InventoryClient;
  stockTimeoutMs: number;
  onStockError: (error: unknown) => void;
}

/** Products filtered and sorted like the original, with live availability from inventory. */
export async function listProducts(
  deps: CatalogDeps,
  query: ListProductsQuery,
): Promise<Product[] | Page<Product>> {
  const paging = pagingFrom(query);
  const { rows, total } = await findProducts(deps.db, {
    ...query,
    limit: paging?.limit,
    offset: paging?.offset,
  });
  const stock = await fetchAvailability(
    deps.inventory,
    rows.map((r) => r.id),
    deps.stockTimeoutMs,
    deps.onStockError,
  );
  const products = rows.map((row) => toProduct(row, stock.get(row.id)));
  return paging ? toPage(products, total, paging) : products;
}

export async function getProduct(deps: CatalogDeps, id: number): Promise<Product> {
  const row = await findProduct(deps.db, id);
  if (!row) throw new ProductNotFound(`No product with id ${id}`);
  const stock = await fetchAvailability(deps.inventory, [id], deps.stockTimeoutMs, deps.onStockError);
  return toProduct(row, stock.get(id));
}

export async function listCategories(deps: Pick<CatalogDeps, 'db'>): Promise<string[]> {
  return listCategorySlugs(deps.db);
}
