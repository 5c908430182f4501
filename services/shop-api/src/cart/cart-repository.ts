import type { Queryable } from '../lib/db.ts';
import type { ProductRow } from '../catalog/products-repository.ts';

export interface CartLine {
  product_id: number;
  quantity: number;
}

export const MAX_QUANTITY = 99;
export const MAX_DISTINCT_ITEMS = 50;

/** A cart line with its product as the catalog has it now. */
export type CartProductLine = ProductRow & { quantity: number };

export type AddOutcome =
  | { kind: 'added'; quantity: number; lines: CartProductLine[] }
  | { kind: 'no-such-product' }
  | { kind: 'too-many-lines' }
  | { kind: 'quantity-limit' };

/**
 * Adds quantity of a product to a cart in one statement: the product must exist, a new line must
 * fit in {@link MAX_DISTINCT_ITEMS}, and the line's sum must stay within {@link MAX_QUANTITY};
 * otherwise nothing changes and the outcome says which rule refused it.
 *
 * The same statement answers the cart as it now is, its lines in the order findProductsInCart
 * gives (oldest first): the answer to an add needs no second round trip. The statement's snapshot
 * does not see its own insert, so the added line comes from the insert's RETURNING and the
 * snapshot gives the others.
 */
export async function addToCart(
  db: Queryable,
  cartKey: string,
  productId: number,
  quantity: number,
): Promise<AddOutcome> {
  const { rows } = await db.query<{
    product: boolean;
    fits: boolean;
    quantity: number | null;
    lines: CartProductLine[] | null;
  }>(
    `WITH product AS (SELECT id FROM products WHERE id = $2),
          cart AS (SELECT count(*) < ${MAX_DISTINCT_ITEMS} OR coalesce(bool_or(product_id = $2), false) AS fits
                     FROM cart_items WHERE cart_key = $1),
          added AS (
            INSERT INTO cart_items (cart_key, product_id, quantity)
            SELECT $1, $2, $3 FROM product, cart WHERE cart.fits
            ON CONFLICT (cart_key, product_id) DO UPDATE
              SET quantity = cart_items.quantity + EXCLUDED.quantity, updated_at = now()
              WHERE cart_items.quantity + EXCLUDED.quantity <= ${MAX_QUANTITY}
            RETURNING product_id, quantity, added_at),
          lines AS (
            SELECT product_id, quantity, added_at FROM cart_items WHERE cart_key = $1 AND product_id <> $2
            UNION ALL
            SELECT product_id, quantity, added_at FROM added)
     SELECT EXISTS (SELECT 1 FROM product) AS product, (SELECT fits FROM cart) AS fits,
            (SELECT quantity FROM added) AS quantity,
            (SELECT json_agg(json_build_object('id', p.id, 'name', p.name, 'description', p.description,
                                               'category', p.category, 'icon', c.icon,
                                               'price_minor', p.price_minor, 'currency', p.currency,
                                               'image', p.image, 'quantity', l.quantity)
                             ORDER BY l.added_at, l.product_id)
               FROM lines l JOIN products p ON p.id = l.product_id JOIN categories c ON c.slug = p.category
              WHERE EXISTS (SELECT 1 FROM added)) AS lines`,
    [cartKey, productId, quantity],
    { prepare: 'cart-add' },
  );
  const row = rows[0]!;
  if (!row.product) return { kind: 'no-such-product' };
  if (!row.fits) return { kind: 'too-many-lines' };
  if (row.quantity === null) return { kind: 'quantity-limit' };
  return { kind: 'added', quantity: row.quantity, lines: row.lines ?? [] };
}

export async function setLineQuantity(
  db: Queryable,
  cartKey: string,
  productId: number,
  quantity: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE cart_items SET quantity = $3, updated_at = now() WHERE cart_key = $1 AND product_id = $2',
    [cartKey, productId, quantity],
  );
  return (rowCount ?? 0) > 0;
}

export async function deleteLine(db: Queryable, cartKey: string, productId: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM cart_items WHERE cart_key = $1 AND product_id = $2', [
    cartKey,
    productId,
  ]);
  return (rowCount ?? 0) > 0;
}

/** Puts lines back (after a failed checkout), adding to what the shopper put in meanwhile. */
export async function putBackLines(
  db: Queryable,
  cartKey: string,
  lines: readonly CartLine[],
): Promise<void> {
  if (lines.length === 0) return;
  await db.query(
    `INSERT INTO cart_items (cart_key, product_id, quantity)
     SELECT $1, l.product_id, l.quantity
       FROM unnest($2::int[], $3::int[]) AS l (product_id, quantity)
       JOIN products p ON p.id = l.product_id
     ON CONFLICT (cart_key, product_id) DO UPDATE
       SET quantity = LEAST(${MAX_QUANTITY}, cart_items.quantity + EXCLUDED.quantity), updated_at = now()`,
    [cartKey, lines.map((l) => l.product_id), lines.map((l) => l.quantity)],
  );
}

/** Moves every line of one cart into another, summing quantities (capped), in the caller's transaction. */
/**
 * Moves every line of one cart into another, in the caller's transaction: lines of products already
 * there are summed (capped at MAX_QUANTITY); new products join only while the target stays within
 * MAX_DISTINCT_ITEMS lines, oldest additions first. The source cart is emptied either way; returns
 * how many lines moved and how many did not fit.
 */
export async function moveLines(
  db: Queryable,
  fromKey: string,
  toKey: string,
): Promise<{ moved: number; dropped: number }> {
  const incoming = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM cart_items WHERE cart_key = $1',
    [fromKey],
  );
  const { rowCount } = await db.query(
    `WITH room AS (
       SELECT GREATEST(0, $3 - count(*))::int AS lines FROM cart_items WHERE cart_key = $2
     ), fresh AS (
       SELECT f.product_id FROM cart_items f
        WHERE f.cart_key = $1
          AND NOT EXISTS (SELECT 1 FROM cart_items t WHERE t.cart_key = $2 AND t.product_id = f.product_id)
        ORDER BY f.added_at, f.product_id
        LIMIT (SELECT lines FROM room)
     )
     INSERT INTO cart_items (cart_key, product_id, quantity)
     SELECT $2, f.product_id, f.quantity FROM cart_items f
      WHERE f.cart_key = $1
        AND (f.product_id IN (SELECT product_id FROM fresh)
             OR EXISTS (SELECT 1 FROM cart_items t WHERE t.cart_key = $2 AND t.product_id = f.product_id))
     ON CONFLICT (cart_key, product_id) DO UPDATE
       SET quantity = LEAST(${MAX_QUANTITY}, cart_items.quantity + EXCLUDED.quantity), updated_at = now()`,
    [fromKey, toKey, MAX_DISTINCT_ITEMS],
  );
  await db.query('DELETE FROM cart_items WHERE cart_key = $1', [fromKey]);
  const moved = rowCount ?? 0;
  return { moved, dropped: (incoming.rows[0]?.n ?? 0) - moved };
}
