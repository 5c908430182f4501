import type { Queryable } from '@mockmart/service-kit/db';

export type ReservationStatus = 'held' | 'committed' | 'released' | 'expired' | 'reversed';

export interface ReservationItem {
  productId: number;
  quantity: number;
}

/** An item a hold could not take: what it asked for and what was available. */
export interface Unavailable {
  productId: number;
  requested: number;
  available: number;
}

/** What {@link holdAll} did: held (with its expiry), or nothing, with the items that were short. */
export interface HoldOutcome {
  held?: { expiresAt: string };
  short: Unavailable[];
}

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  expiresAt: string;
  items: ReservationItem[];
}

interface ReservationRow {
  order_id: string;
  status: ReservationStatus;
  expires_at: Date | string;
  past_expiry: boolean;
  items: ReservationItem[];
}

export interface LockedReservation {
  orderId: string;
  status: ReservationStatus;
  /** A hold whose time is up but that the sweeper has not released yet. */
  pastExpiry: boolean;
  expiresAt: string;
  items: ReservationItem[];
}

/** The reservation with its items (in product order), in one round trip. */
const SELECT_RESERVATION = `SELECT order_id, status, expires_at, expires_at <= now() AS past_expiry,
  COALESCE((SELECT json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity)
                            ORDER BY i.product_id)
              FROM reservation_items i WHERE i.order_id = r.order_id), '[]') AS items
  FROM reservations r`;

/**
 * Holds the units of every item for an order, all of them or none, in one statement (no
 * transaction around it, so the stock rows are locked only while it runs):
 * - the stock rows are locked in product order first (`locked`), the order commits, releases and
 *   expiry take them in, and what each has available is read under that lock;
 * - when any item is short (an unknown product has nothing available), nothing is written and the
 *   short items come back with what was available;
 * - otherwise the reservation is inserted, unless the order already has one (the unique key
 *   decides, and then nothing else is written), and its items and held units with it.
 * `held` is undefined when nothing was held: the caller looks up the order's reservation.
 */
export async function holdAll(
  db: Queryable,
  input: { orderId: string; ttlSeconds: number; clientId: string; items: readonly ReservationItem[] },
): Promise<HoldOutcome> {
  const { rows } = await db.query<{ expires_at: Date | string | null; short: Unavailable[] }>(
    `WITH wanted AS (
       SELECT t.product_id, t.quantity FROM unnest($4::int[], $5::int[]) AS t(product_id, quantity)),
     locked AS (
       SELECT product_id, on_hand - reserved AS available FROM stock
        WHERE product_id IN (SELECT product_id FROM wanted)
        ORDER BY product_id FOR UPDATE),
     short AS (
       SELECT w.product_id, w.quantity, COALESCE(l.available, 0) AS available
         FROM wanted w LEFT JOIN locked l USING (product_id)
        WHERE COALESCE(l.available, 0) < w.quantity),
     r AS (
       INSERT INTO reservations (order_id, status, expires_at, client_id)
       SELECT $1, 'held', now() + make_interval(secs => $2), $3 WHERE NOT EXISTS (SELECT 1 FROM short)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id, expires_at),
     -- Run to completion although nothing reads them, as every data-modifying WITH is.
     items AS (
       INSERT INTO reservation_items (order_id, product_id, quantity)
       SELECT r.order_id, w.product_id, w.quantity FROM r, wanted w),
     held AS (
       UPDATE stock s SET reserved = s.reserved + w.quantity, updated_at = now()
         FROM r, wanted w WHERE s.product_id = w.product_id)
     SELECT (SELECT expires_at FROM r) AS expires_at,
            COALESCE((SELECT json_agg(json_build_object('productId', product_id, 'requested', quantity,
                                                        'available', available) ORDER BY product_id)
                        FROM short), '[]') AS short`,
    [
      input.orderId,
      input.ttlSeconds,
      input.clientId,
      input.items.map((i) => i.productId),
      input.items.map((i) => i.quantity),
    ],
    { prepare: 'reservation-hold-all' },
  );
  const row = rows[0]!;
  return {
    ...(row.expires_at ? { held: { expiresAt: new Date(row.expires_at).toISOString() } } : {}),
    short: row.short,
  };
}

/** Creates the reservation row; false when one already exists for the order (the unique key decides). */
export async function insertReservation(
  tx: Queryable,
  input: { orderId: string; status: ReservationStatus; ttlSeconds: number; clientId: string },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO reservations (order_id, status, expires_at, client_id)
     VALUES ($1, $2, now() + make_interval(secs => $3), $4)
     ON CONFLICT (order_id) DO NOTHING`,
    [input.orderId, input.status, input.ttlSeconds, input.clientId],
  );
  return rowCount === 1;
}

/**
 * Locks the reservation row for the rest of the transaction (commit, release and expiry serialise
 * on it) and reads it with its items. Items never change once written, so reading them in the
 * same statement as the lock is as good as after it.
 */
export async function lockReservation(tx: Queryable, orderId: string): Promise<LockedReservation | null> {
  const { rows } = await tx.query<ReservationRow>(
    `${SELECT_RESERVATION} WHERE order_id = $1 FOR UPDATE OF r`,
    [orderId],
  );
  const row = rows[0];
  return row
    ? {
        orderId: row.order_id,
        status: row.status,
        pastExpiry: row.past_expiry,
        expiresAt: new Date(row.expires_at).toISOString(),
        items: row.items,
      }
    : null;
}

/**
 * Ends a live hold and moves its units, in one statement (no transaction around it): the hold
 * becomes `committed` (its units leave the holds and the shelf) or, when its time is up, `expired`
 * (they go back to available). The UPDATE's row lock on the reservation serialises it with release
 * and expiry, as {@link lockReservation} does; the stock rows are locked in product order first
 * (`locked`), the order every hold takes them in, so two statements never deadlock on them.
 * Returns what the hold became with its items, or undefined when the order has no live hold.
 */
export async function endHoldAndMoveUnits(
  db: Queryable,
  orderId: string,
): Promise<{ status: 'committed' | 'expired'; expiresAt: string; items: ReservationItem[] } | undefined> {
  const { rows } = await db.query<{
    status: 'committed' | 'expired';
    expires_at: Date | string;
    items: ReservationItem[];
  }>(
    `WITH ended AS (
       UPDATE reservations
          SET status = CASE WHEN expires_at <= now() THEN 'expired' ELSE 'committed' END, updated_at = now()
        WHERE order_id = $1 AND status = 'held'
        RETURNING order_id, status, expires_at),
     items AS (
       SELECT i.product_id, i.quantity, e.status = 'committed' AS sold
         FROM reservation_items i JOIN ended e ON e.order_id = i.order_id),
     locked AS (
       SELECT product_id FROM stock WHERE product_id IN (SELECT product_id FROM items)
        ORDER BY product_id FOR UPDATE),
     -- Run to completion although nothing reads it, as every data-modifying WITH is.
     moved AS (
       UPDATE stock s
          SET reserved = s.reserved - it.quantity,
              on_hand = s.on_hand - CASE WHEN it.sold THEN it.quantity ELSE 0 END,
              updated_at = now()
         FROM items it JOIN locked l USING (product_id)
        WHERE s.product_id = it.product_id)
     SELECT e.status, e.expires_at,
            COALESCE((SELECT json_agg(json_build_object('productId', product_id, 'quantity', quantity)
                                      ORDER BY product_id) FROM items), '[]') AS items
       FROM ended e`,
    [orderId],
    { prepare: 'reservation-end-hold-move-units' },
  );
  const row = rows[0];
  return row && { status: row.status, expiresAt: new Date(row.expires_at).toISOString(), items: row.items };
}

export async function setStatus(tx: Queryable, orderId: string, status: ReservationStatus): Promise<void> {
  await tx.query('UPDATE reservations SET status = $2, updated_at = now() WHERE order_id = $1', [
    orderId,
    status,
  ]);
}

/** The reservation as callers see it: a hold past its expiry already reads as expired. */
export async function findReservation(db: Queryable, orderId: string): Promise<Reservation | null> {
  const { rows } = await db.query<ReservationRow>(`${SELECT_RESERVATION} WHERE order_id = $1`, [orderId], {
    prepare: 'reservation-find',
  });
  const row = rows[0];
  if (!row) return null;
  return {
    orderId: row.order_id,
    status: row.status === 'held' && row.past_expiry ? 'expired' : row.status,
    expiresAt: new Date(row.expires_at).toISOString(),
    items: row.items,
  };
}

/** Marks up to `limit` holds that expired by `now` as expired and returns their order ids. */
export async function expireHolds(tx: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await tx.query<{ order_id: string }>(
    `UPDATE reservations SET status = 'expired', updated_at = now()
     WHERE order_id IN (
       SELECT order_id FROM reservations WHERE status = 'held' AND expires_at <= $1
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING order_id`,
    [now, limit],
  );
  return rows.map((r) => r.order_id);
}

/** Units per product across several reservations, in product order (a fixed lock order avoids deadlocks). */
export async function sumItems(tx: Queryable, orderIds: readonly string[]): Promise<ReservationItem[]> {
  const { rows } = await tx.query<{ product_id: number; quantity: number }>(
    `SELECT product_id, sum(quantity)::int AS quantity FROM reservation_items
     WHERE order_id = ANY($1::text[]) GROUP BY product_id ORDER BY product_id`,
    [orderIds],
  );
  return rows.map((r) => ({ productId: r.product_id, quantity: r.quantity }));
}
