import { describeStock } from './availability.ts';
import {
  categoryExists,
  deleteProduct,
  findProduct,
  insertProduct,
  lockProduct,
  nameTaken,
  updateProduct,
  type ProductRow,
} from './products-repository.ts';
import { getProduct, type CatalogDeps } from './browse-catalog.ts';
import { toProduct } from './product-view.ts';
import { InvalidPrice, ProductNameTaken, ProductNotFound, UnknownCategory } from '../errors.ts';
import { CURRENCY, fromMajor } from '../lib/money.ts';
import type { Database, Queryable } from '../lib/db.ts';
import type { CreateProductBody, Product, UpdateProductBody } from './schemas.ts';

export interface ManageDeps extends CatalogDeps {
  db: Database;
}

function priceMinor(price: number): number {
  const minor = fromMajor(price);
  if (minor === undefined || minor <= 0)
    throw new InvalidPrice(`price must be a positive amount with at most two decimals, got ${price}`);
  return minor;
}

async function checkNameAndCategory(
  tx: Queryable,
  name: string,
  category: string,
  exceptId?: number,
): Promise<void> {
  if (!(await categoryExists(tx, category)))
    throw new UnknownCategory(`Category "${category}" does not exist; see GET /api/categories`);
  if (await nameTaken(tx, name, exceptId))
    throw new ProductNameTaken(`Product name "${name}" is already in use.`);
}

/** PostgreSQL unique violation on the name index: two admins created the same name at once. */
function rethrowNameRace(error: unknown, name: string): never {
  if ((error as { code?: string }).code === '23505')
    throw new ProductNameTaken(`Product name "${name}" is already in use.`);
  throw error;
}

/**
 * Creates a product and, when a stock figure is given, its stock in inventory — inside one local
 * transaction, so an inventory failure leaves no product behind (the original created products
 * that inventory never knew and that could never be bought).
 */
export async function createProduct(deps: ManageDeps, body: CreateProductBody): Promise<Product> {
  const minor = priceMinor(body.price);
  try {
    const created = await deps.db.transaction(async (tx) => {
      await checkNameAndCategory(tx, body.name, body.category);
      const id = await insertProduct(tx, {
        name: body.name.trim(),
        description: body.description ?? '',
        category: body.category,
        priceMinor: minor,
        currency: CURRENCY,
        image: body.image ?? null,
      });
      const available =
        body.stock === undefined ? undefined : (await deps.inventory.setStock(id, body.stock)).available;
      const row = (await findProduct(tx, id)) as ProductRow;
      return toProduct(row, available);
    });
    deps.products.invalidate(); // this replica reads its own write; the others hear NOTIFY
    return created;
  } catch (error) {
    rethrowNameRace(error, body.name);
  }
}

export async function changeProduct(deps: ManageDeps, id: number, body: UpdateProductBody): Promise<Product> {
  const minor = body.price === undefined ? undefined : priceMinor(body.price);
  try {
    const stock = await deps.db.transaction(async (tx) => {
      const current = await lockProduct(tx, id);
      if (!current) throw new ProductNotFound(`No product with id ${id}`);
      const next = {
        name: body.name?.trim() ?? current.name,
        description: body.description ?? current.description,
        category: body.category ?? current.category,
        priceMinor: minor ?? current.price_minor,
        currency: current.currency,
        image: body.image === undefined ? current.image : body.image,
      };
      await checkNameAndCategory(tx, next.name, next.category, id);
      await updateProduct(tx, id, next);
      return body.stock === undefined
        ? undefined
        : await deps.inventory.setStock(id, body.stock, body.expectedStock);
    });
    deps.products.invalidate();
    if (stock) {
      const row = (await findProduct(deps.db, id)) as ProductRow;
      return { ...toProduct(row, undefined), ...describeStock(stock.available) };
    }
    return await getProduct(deps, id);
  } catch (error) {
    rethrowNameRace(error, body.name ?? '');
  }
}

/** Removes the product; carts drop it (FK cascade), past orders keep their snapshot. */
export async function removeProduct(deps: ManageDeps, id: number): Promise<Product> {
  const product = await getProduct(deps, id);
  if (!(await deleteProduct(deps.db, id))) throw new ProductNotFound(`No product with id ${id}`);
  deps.products.invalidate();
  return product;
}
