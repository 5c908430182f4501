import type { Queryable } from '@mockmart/service-kit/db';

export type ReservationStatus = 'held' | 'committed' | 'released' | 'expired' | 'reversed';

export interface ReservationItem {
  productId: number;
  quantity: number;
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
}

export interface LockedReservation {
  orderId: string;
  status: ReservationStatus;
  /** A hold whose time is up but that the sweeper has not released yet. */
  pastExpiry: boolean;
}

const SELECT_RESERVATION =
  'SELECT order_id, status, expires_at, expires_at <= now() AS past_expiry FROM reservations';

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

export async function insertItems(
  tx: Queryable,
  orderId: string,
  items: readonly ReservationItem[],
): Promise<void> {
  await tx.query(
    `INSERT INTO reservation_items (order_id, product_id, quantity)
     SELECT $1, product_id, quantity FROM unnest($2::int[], $3::int[]) AS t(product_id, quantity)`,
    [orderId, items.map((i) => i.productId), items.map((i) => i.quantity)],
  );
}

/** Locks the reservation row for the rest of the transaction (commit, release and expiry serialise on it). */
export async function lockReservation(tx: Queryable, orderId: string): Promise<LockedReservation | null> {
  const { rows } = await tx.query<ReservationRow>(`${SELECT_RESERVATION} WHERE order_id = $1 FOR UPDATE`, [
    orderId,
  ]);
  const row = rows[0];
  return row ? { orderId: row.order_id, status: row.status, pastExpiry: row.past_expiry } : null;
}

export async function setStatus(tx: Queryable, orderId: string, status: ReservationStatus): Promise<void> {
  await tx.query('UPDATE reservations SET status = $2, updated_at = now() WHERE order_id = $1', [
    orderId,
    status,
  ]);
}

export async function findItems(db: Queryable, orderId: string): Promise<ReservationItem[]> {
  const { rows } = await db.query<{ product_id: number; quantity: number }>(
    'SELECT product_id, quantity FROM reservation_items WHERE order_id = $1 ORDER BY product_id',
    [orderId],
  );
  return rows.map((r) => ({ productId: r.product_id, quantity: r.quantity }));
}

/** The reservation as callers see it: a hold past its expiry already reads as expired. */
export async function findReservation(db: Queryable, orderId: string): Promise<Reservation | null> {
  const { rows } = await db.query<ReservationRow>(`${SELECT_RESERVATION} WHERE order_id = $1`, [orderId]);
  const row = rows[0];
  if (!row) return null;
  return {
    orderId: row.order_id,
    status: row.status === 'held' && row.past_expiry ? 'expired' : row.status,
    expiresAt: new Date(row.expires_at).toISOString(),
    items: await findItems(db, orderId),
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
