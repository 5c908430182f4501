import type { Queryable } from '../lib/db.ts';

export interface ProductRow {
  id: number;
  name: string;
  description: string;
  category: string;
  icon: string;
  price_minor: number;
  currency: string;
  image: string | null;
}

export type ProductSort = 'price-asc' | 'price-desc' | 'name';

export interface ProductFilter {
  category?: string | undefined;
  search?: string | undefined;
  sort?: ProductSort | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

const SELECT = `SELECT p.id, p.name, p.description, p.category, c.icon, p.price_minor, p.currency, p.image
                  FROM products p JOIN categories c ON c.slug = p.category`;

export async function listAllProducts(db: Queryable): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow>(`${SELECT} ORDER BY p.id`);
  return rows;
}

/**
 * The products in a cart, each with its quantity, in the cart's order (oldest line first), in one
 * query with the lines; lines whose product is gone are left out.
 */
export async function findProductsInCart(
  db: Queryable,
  cartKey: string,
): Promise<(ProductRow & { quantity: number })[]> {
  const { rows } = await db.query<ProductRow & { quantity: number }>(
    `SELECT p.id, p.name, p.description, p.category, c.icon, p.price_minor, p.currency, p.image, ci.quantity
       FROM cart_items ci JOIN products p ON p.id = ci.product_id JOIN categories c ON c.slug = p.category
      WHERE ci.cart_key = $1 ORDER BY ci.added_at, ci.product_id`,
    [cartKey],
    { prepare: 'cart-products' },
  );
  return rows;
}

export async function findProduct(db: Queryable, id: number): Promise<ProductRow | undefined> {
  const { rows } = await db.query<ProductRow>(`${SELECT} WHERE p.id = $1`, [id]);
  return rows[0];
}

export async function listCategorySlugs(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ slug: string }>('SELECT slug FROM categories ORDER BY position, slug');
  return rows.map((r) => r.slug);
}

export async function categoryExists(db: Queryable, slug: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM categories WHERE slug = $1', [slug]);
  return rows.length > 0;
}

export async function nameTaken(db: Queryable, name: string, exceptId?: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM products WHERE lower(name) = lower($1) AND id <> $2', [
    name,
    exceptId ?? -1,
  ]);
  return rows.length > 0;
}

export interface ProductWrite {
  name: string;
  description: string;
  category: string;
  priceMinor: number;
  currency: string;
  image: string | null;
}

export async function insertProduct(db: Queryable, product: ProductWrite): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO products (name, description, category, price_minor, currency, image) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      product.name,
      product.description,
      product.category,
      product.priceMinor,
      product.currency,
      product.image,
    ],
  );
  return rows[0]!.id;
}

export async function updateProduct(db: Queryable, id: number, product: ProductWrite): Promise<void> {
  await db.query(
    `UPDATE products SET name = $2, description = $3, category = $4, price_minor = $5, image = $6, updated_at = now() WHERE id = $1`,
    [id, product.name, product.description, product.category, product.priceMinor, product.image],
  );
}

export async function lockProduct(db: Queryable, id: number): Promise<ProductRow | undefined> {
  const { rows } = await db.query<ProductRow>(`${SELECT} WHERE p.id = $1 FOR UPDATE OF p`, [id]);
  return rows[0];
}

export async function deleteProduct(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM products WHERE id = $1', [id]);
  return (rowCount ?? 0) > 0;
}
