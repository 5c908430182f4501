import type { Queryable } from '@mockmart/service-kit/db';

export interface StockLevel {
  productId: number;
  onHand: number;
  reserved: number;
  available: number;
}

interface StockRow {
  product_id: number;
  on_hand: number;
  reserved: number;
}

const toLevel = (row: StockRow): StockLevel => ({
  productId: row.product_id,
  onHand: row.on_hand,
  reserved: row.reserved,
  available: row.on_hand - row.reserved,
});

/** Stock levels for the given products (unknown ids are left out), or for all products. */
export async function findStock(db: Queryable, productIds?: readonly number[]): Promise<StockLevel[]> {
  const { rows } = productIds
    ? await db.query<StockRow>(
        'SELECT product_id, on_hand, reserved FROM stock WHERE product_id = ANY($1::int[]) ORDER BY product_id',
        [productIds],
        { prepare: 'stock-of-products' },
      )
    : await db.query<StockRow>('SELECT product_id, on_hand, reserved FROM stock ORDER BY product_id');
  return rows.map(toLevel);
}

/**
 * Sets on-hand stock, creating the row for a new product. Returns null when the new figure is
 * below the units currently held (the CHECK constraint would refuse it anyway).
 */
export async function upsertOnHand(
  db: Queryable,
  productId: number,
  onHand: number,
): Promise<StockLevel | null> {
  const { rows } = await db.query<StockRow>(
    `INSERT INTO stock (product_id, on_hand) VALUES ($1, $2)
     ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()
       WHERE stock.reserved <= EXCLUDED.on_hand
     RETURNING product_id, on_hand, reserved`,
    [productId, onHand],
  );
  return rows[0] ? toLevel(rows[0]) : null;
}

/**
 * Sets on-hand stock only while it still is `expectedOnHand` (a missing row counts as 0 on hand)
 * and stays at or above the units held — one conditional statement, so a sale committed between
 * the caller's read and this write makes it miss instead of being overwritten. Null when it missed.
 */
export async function setOnHandIfUnchanged(
  db: Queryable,
  productId: number,
  onHand: number,
  expectedOnHand: number,
): Promise<StockLevel | null> {
  const { rows } = await db.query<StockRow>(
    `UPDATE stock SET on_hand = $2, updated_at = now()
      WHERE product_id = $1 AND on_hand = $3 AND reserved <= $2
      RETURNING product_id, on_hand, reserved`,
    [productId, onHand, expectedOnHand],
  );
  if (rows[0]) return toLevel(rows[0]);
  if (expectedOnHand !== 0) return null;
  const inserted = await db.query<StockRow>(
    `INSERT INTO stock (product_id, on_hand) VALUES ($1, $2) ON CONFLICT (product_id) DO NOTHING
     RETURNING product_id, on_hand, reserved`,
    [productId, onHand],
  );
  return inserted.rows[0] ? toLevel(inserted.rows[0]) : null;
}

/** Gives held units back (release or expiry). */
export async function unholdUnits(tx: Queryable, productId: number, quantity: number): Promise<void> {
  await tx.query('UPDATE stock SET reserved = reserved - $2, updated_at = now() WHERE product_id = $1', [
    productId,
    quantity,
  ]);
}

/** Puts sold units back on the shelf (a reversed sale). */
export async function restockUnits(tx: Queryable, productId: number, quantity: number): Promise<void> {
  await tx.query('UPDATE stock SET on_hand = on_hand + $2, updated_at = now() WHERE product_id = $1', [
    productId,
    quantity,
  ]);
}
