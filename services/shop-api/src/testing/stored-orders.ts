/**
 * Orders written straight into shop-api's tables, for tests that need orders of a given shape
 * (items, prices, keys) without going through a cart: checkout itself writes its pending order
 * with checkout/pending-order-repository.ts.
 */
import { readKey, type IdempotencyRecord } from '../checkout/idempotency-repository.ts';
import type { Queryable } from '../lib/db.ts';
import type { OrderRow } from '../checkout/orders-repository.ts';
import type { ShippingAddress } from '../checkout/schemas.ts';

export interface NewOrder {
  userId: string;
  userEmail: string | null;
  userName: string;
  totalMinor: number;
  currency: string;
  shippingAddress: ShippingAddress;
  paymentMethod: string;
  items: { productId: number; productName: string; quantity: number; unitPriceMinor: number }[];
  /** The Idempotency-Key this transaction claimed for the order (user's own), pointed at the order. */
  idempotencyKey?: string | undefined;
}

/**
 * Writes an order with the given items and its first history row — and points a key claimed by
 * {@link claimKey} at it — as checkout would, without a cart or a catalog: orders of any shape.
 */
export async function insertOrder(tx: Queryable, order: NewOrder): Promise<OrderRow> {
  const { rows } = await tx.query<OrderRow>(
    `WITH o AS (
       INSERT INTO orders (user_id, user_email, user_name, total_minor, currency, shipping_address, payment_method)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *),
     items AS (
       INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price_minor)
       SELECT o.id, i.* FROM o, unnest($8::int[], $9::text[], $10::int[], $11::int[]) AS i),
     history AS (INSERT INTO order_status_history (order_id, status) SELECT id, 'pending' FROM o),
     keyed AS (UPDATE idempotency_keys k SET order_id = o.id FROM o WHERE k.user_id = $1 AND k.key = $12)
     SELECT * FROM o`,
    [
      order.userId,
      order.userEmail,
      order.userName,
      order.totalMinor,
      order.currency,
      JSON.stringify(order.shippingAddress),
      order.paymentMethod,
      order.items.map((i) => i.productId),
      order.items.map((i) => i.productName),
      order.items.map((i) => i.quantity),
      order.items.map((i) => i.unitPriceMinor),
      order.idempotencyKey ?? null,
    ],
    { prepare: 'order-insert' },
  );
  return rows[0]!;
}

/** Claims (user, key) as checkout does; answers the key's record when it was claimed before. */
export async function claimKey(
  tx: Queryable,
  userId: string,
  key: string,
  requestHash: string,
): Promise<IdempotencyRecord | undefined> {
  const inserted = await tx.query(
    'INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key',
    [userId, key, requestHash],
    { prepare: 'idempotency-claim' },
  );
  if (inserted.rows.length > 0) return undefined;
  return readKey(tx, userId, key);
}
