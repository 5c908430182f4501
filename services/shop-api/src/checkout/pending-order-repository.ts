import type { CartLine } from '../cart/cart-repository.ts';
import type { Queryable } from '../lib/db.ts';
import type { OrderRow } from './orders-repository.ts';
import type { ShippingAddress } from './schemas.ts';

export interface PendingOrderInput {
  userId: string;
  userEmail: string | null;
  userName: string;
  cartKey: string;
  shippingAddress: ShippingAddress;
  paymentMethod: string;
  /** Claimed for the order in the same statement; a key already claimed stops everything else. */
  idempotency?: { key: string; requestHash: string } | undefined;
}

export type PendingOrderWrite =
  | { kind: 'created'; order: OrderRow; lines: CartLine[] }
  /** The key was claimed before (its request committed first): nothing was written. */
  | { kind: 'key-taken' }
  /** Nothing priced in the cart: nothing was written, the key not claimed either. */
  | { kind: 'cart-empty' };

/** The order's columns (all null when no order was written), and what the statement decided. */
type WrittenRow = OrderRow & { claimed: boolean; lines: CartLine[] | null; refused: null };

/** SQLSTATE of checkout_cart_empty() (migration 013). */
const CART_EMPTY = 'MMCE0';

/**
 * The checkout's first step in one statement, so one round trip and no explicit transaction:
 * claim the Idempotency-Key (if any), take the whole cart priced from the catalog (never from the
 * client), write the pending order with its items and first history row, and point the key at it.
 *
 * - The key is claimed first and the cart is taken only if the claim succeeded: a concurrent
 *   request with the same key waits on the key's primary key until this statement commits, then
 *   takes nothing (`key-taken`). Two submits with different keys serialise on the cart rows'
 *   locks and the later one finds the cart empty.
 * - The order's id is drawn from its sequence up front, so the key row is written pointing at
 *   the order (a data-modifying CTE cannot update a row another CTE of the statement inserted).
 * - An empty cart must leave no trace — no claimed key, no taken lines of products that vanished
 *   from the catalog: the statement then calls checkout_cart_empty(), whose error undoes it all.
 */
export async function writePendingOrder(db: Queryable, input: PendingOrderInput): Promise<PendingOrderWrite> {
  try {
    const { rows } = await db.query<WrittenRow>(
      `WITH next AS (SELECT nextval(pg_get_serial_sequence('orders', 'id'))::int AS id),
            claimed AS (
              INSERT INTO idempotency_keys (user_id, key, request_hash, order_id)
              SELECT $1, $7, $8, next.id FROM next WHERE $7::text IS NOT NULL
              ON CONFLICT DO NOTHING RETURNING key),
            go AS (SELECT $7::text IS NULL OR EXISTS (SELECT 1 FROM claimed) AS claimed),
            taken AS (
              DELETE FROM cart_items WHERE cart_key = $6 AND (SELECT claimed FROM go)
              RETURNING product_id, quantity),
            priced AS (
              SELECT t.product_id, t.quantity, p.name, p.price_minor, rtrim(p.currency) AS currency
                FROM taken t JOIN products p ON p.id = t.product_id),
            o AS (
              INSERT INTO orders (id, user_id, user_email, user_name, total_minor, currency,
                                  shipping_address, payment_method)
              OVERRIDING SYSTEM VALUE
              SELECT next.id, $1, $2, $3, sum(priced.price_minor * priced.quantity),
                     (array_agg(priced.currency ORDER BY priced.product_id))[1], $4, $5
                FROM next, priced GROUP BY next.id
              RETURNING *),
            items AS (
              INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price_minor)
              SELECT o.id, priced.product_id, priced.name, priced.quantity, priced.price_minor FROM o, priced),
            history AS (INSERT INTO order_status_history (order_id, status) SELECT id, 'pending' FROM o)
       SELECT o.*, go.claimed,
              (SELECT json_agg(json_build_object('product_id', product_id, 'quantity', quantity)
                               ORDER BY product_id) FROM priced) AS lines,
              CASE WHEN go.claimed AND o.id IS NULL THEN checkout_cart_empty() END AS refused
         FROM go LEFT JOIN o ON true`,
      [
        input.userId,
        input.userEmail,
        input.userName,
        JSON.stringify(input.shippingAddress),
        input.paymentMethod,
        input.cartKey,
        input.idempotency?.key ?? null,
        input.idempotency?.requestHash ?? null,
      ],
      { prepare: 'order-write-pending' },
    );
    const { claimed, lines, refused: _refused, ...order } = rows[0]!;
    if (!claimed) return { kind: 'key-taken' };
    return { kind: 'created', order, lines: lines ?? [] };
  } catch (error) {
    if ((error as { code?: string }).code === CART_EMPTY) return { kind: 'cart-empty' };
    throw error;
  }
}
