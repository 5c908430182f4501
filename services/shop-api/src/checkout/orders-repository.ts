import type { Queryable } from '../lib/db.ts';
import type { OrderStatus, ShippingAddress } from './schemas.ts';

export interface OrderRow {
  id: number;
  user_id: string;
  user_email: string | null;
  user_name: string;
  status: OrderStatus;
  status_reason: string | null;
  status_detail: string | null;
  total_minor: number;
  currency: string;
  shipping_address: ShippingAddress;
  payment_method: string;
  charge_id: string | null;
  refund_id: string | null;
  unavailable: UnavailableLine[] | null;
  compensation_pending: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface OrderItemRow {
  order_id: number;
  product_id: number;
  product_name: string;
  quantity: number;
  unit_price_minor: number;
}

export interface HistoryRow {
  order_id: number;
  status: string;
  reason: string | null;
  /** A Date from a row, an ISO string from JSON. */
  at: Date | string;
}

export interface UnavailableLine {
  productId: number;
  productName: string;
  requested: number;
  available: number;
}

/** On the way to confirmed: recovery may still confirm these. */
export const IN_FLIGHT: readonly OrderStatus[] = ['pending', 'reserved', 'paid'];
/** Not final yet: in flight, or failing with its refund under way (never confirmed from there). */
export const UNSETTLED: readonly OrderStatus[] = [...IN_FLIGHT, 'refunding'];

export interface TransitionPatch {
  reason?: string | null;
  detail?: string | null;
  chargeId?: string;
  refundId?: string;
  unavailable?: UnavailableLine[];
  compensationPending?: boolean;
}

/**
 * A step the saga went through without writing it on its own (e.g. `paid`: the charge is looked up
 * at payment by order id, so recovery does not need it stored before the next call). It is added
 * to the history, with the time it happened, by the transition that follows it.
 */
export interface PassedStep {
  status: OrderStatus;
  at: Date;
}

/**
 * Moves an order to `to` only if it is still in one of `from` (optimistic, race-free against the
 * recovery worker and admin actions), and appends the history rows (`passed` steps, then `to`) —
 * one statement, so the status and its history can never disagree. Returns the updated row, or
 * undefined when someone else moved the order first.
 */
export async function transition(
  tx: Queryable,
  id: number,
  from: readonly OrderStatus[],
  to: OrderStatus,
  patch: TransitionPatch = {},
  passed: readonly PassedStep[] = [],
): Promise<OrderRow | undefined> {
  const { rows } = await tx.query<OrderRow>(
    `${moveOrder} SELECT * FROM moved`,
    [...transitionParams(id, from, to, patch, passed)],
    { prepare: 'order-transition' },
  );
  return rows[0];
}

/**
 * {@link transition}, also reading the order's items and whole history (the rows just appended
 * included) in the same statement: what a final state needs to show the order, one round trip
 * fewer inside its transaction.
 */
export async function transitionAndRead(
  tx: Queryable,
  id: number,
  from: readonly OrderStatus[],
  to: OrderStatus,
  patch: TransitionPatch = {},
  passed: readonly PassedStep[] = [],
): Promise<{ order: OrderRow; items: OrderItemRow[]; history: HistoryRow[] } | undefined> {
  const { rows } = await tx.query<OrderRow & { view_items: OrderItemRow[]; view_history: HistoryRow[] }>(
    // The statement's snapshot does not see the rows its own INSERT appends: the history is the
    // rows before it followed by those the INSERT returned (ids grow in the order of the steps).
    `${moveOrder}
     SELECT moved.*,
            (SELECT coalesce(json_agg(i ORDER BY i.product_id), '[]')
               FROM (SELECT order_id, product_id, product_name, quantity, unit_price_minor
                       FROM order_items WHERE order_id = moved.id) i) AS view_items,
            (SELECT coalesce(json_agg(h ORDER BY h.id), '[]')
               FROM (SELECT id, order_id, status, reason, at FROM order_status_history WHERE order_id = moved.id
                     UNION ALL
                     SELECT id, order_id, status, reason, at FROM history) h) AS view_history
       FROM moved`,
    transitionParams(id, from, to, patch, passed),
    { prepare: 'order-transition-and-read' },
  );
  const row = rows[0];
  if (!row) return undefined;
  const { view_items: items, view_history: history, ...order } = row;
  return { order, items, history };
}

const moveOrder = `WITH moved AS (
       UPDATE orders SET status = $3,
          status_reason = CASE WHEN $4::boolean THEN $5 ELSE status_reason END,
          status_detail = CASE WHEN $4::boolean THEN $6 ELSE status_detail END,
          charge_id = COALESCE($7, charge_id),
          refund_id = COALESCE($8, refund_id),
          unavailable = COALESCE($9::jsonb, unavailable),
          compensation_pending = COALESCE($10, compensation_pending),
          recovery_lease_until = NULL,
          updated_at = now()
        WHERE id = $1 AND status = ANY($2::text[])
        RETURNING *),
     history AS (
       INSERT INTO order_status_history (order_id, status, reason, at)
       SELECT moved.id, step.status, step.reason, step.at
         FROM moved,
              unnest($11::text[] || $3::text, $12::text[] || $5::text,
                     $13::timestamptz[] || now()) WITH ORDINALITY AS step (status, reason, at, n)
        ORDER BY step.n
       RETURNING id, order_id, status, reason, at)`;

function transitionParams(
  id: number,
  from: readonly OrderStatus[],
  to: OrderStatus,
  patch: TransitionPatch,
  passed: readonly PassedStep[],
): unknown[] {
  return [
    id,
    from,
    to,
    patch.reason !== undefined,
    patch.reason ?? null,
    patch.detail ?? null,
    patch.chargeId ?? null,
    patch.refundId ?? null,
    patch.unavailable ? JSON.stringify(patch.unavailable) : null,
    patch.compensationPending ?? null,
    passed.map((p) => p.status),
    passed.map(() => null),
    passed.map((p) => p.at),
  ];
}

export async function settleCompensation(
  db: Queryable,
  id: number,
  patch: { refundId?: string } = {},
): Promise<void> {
  await db.query(
    'UPDATE orders SET compensation_pending = false, refund_id = COALESCE($2, refund_id), recovery_lease_until = NULL, updated_at = now() WHERE id = $1',
    [id, patch.refundId ?? null],
  );
}

export async function findOrder(db: Queryable, id: number): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [id]);
  return rows[0];
}

/**
 * The order with its version: the row's xmin, the transaction that last wrote it. Every change an
 * order's answer shows writes its row (a status step adds its history line in the same statement;
 * items never change), so the version changes exactly when the answer may.
 */
export async function findOrderWithVersion(
  db: Queryable,
  id: number,
): Promise<{ order: OrderRow; version: string } | undefined> {
  const { rows } = await db.query<OrderRow & { row_version: string }>(
    'SELECT *, xmin::text AS row_version FROM orders WHERE id = $1',
    [id],
    { prepare: 'order-with-version' },
  );
  const row = rows[0];
  if (!row) return undefined;
  const { row_version: version, ...order } = row;
  return { order, version };
}

/**
 * The items and status history of some orders in one statement (one round trip, also inside a
 * transaction, where two queries would wait for each other), items by product, history by time.
 */
export async function findItemsAndHistory(
  db: Queryable,
  ids: readonly number[],
): Promise<{ items: OrderItemRow[]; history: HistoryRow[] }> {
  if (ids.length === 0) return { items: [], history: [] };
  const { rows } = await db.query<{ items: OrderItemRow[]; history: HistoryRow[] }>(
    `SELECT (SELECT coalesce(json_agg(i ORDER BY i.order_id, i.product_id), '[]')
               FROM (SELECT order_id, product_id, product_name, quantity, unit_price_minor
                       FROM order_items WHERE order_id = ANY($1::int[])) i) AS items,
            (SELECT coalesce(json_agg(h ORDER BY h.order_id, h.id), '[]')
               FROM (SELECT id, order_id, status, reason, at
                       FROM order_status_history WHERE order_id = ANY($1::int[])) h) AS history`,
    [ids],
  );
  return rows[0]!;
}

export interface OrderFilter {
  userId?: string | undefined;
  status?: OrderStatus | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export async function findOrders(
  db: Queryable,
  filter: OrderFilter,
): Promise<{ rows: OrderRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.userId !== undefined) {
    params.push(filter.userId);
    where.push(`user_id = $${params.length}`);
  }
  if (filter.status !== undefined) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const countParams = [...params];
  let paging = '';
  if (filter.limit !== undefined) {
    params.push(filter.limit, filter.offset ?? 0);
    paging = `LIMIT $${params.length - 1} OFFSET $${params.length}`;
  }
  const [{ rows }, count] = await Promise.all([
    db.query<OrderRow>(
      `SELECT * FROM orders ${whereSql} ORDER BY created_at DESC, id DESC ${paging}`,
      params,
    ),
    filter.limit === undefined
      ? undefined
      : db.query<{ total: number }>(`SELECT count(*)::int AS total FROM orders ${whereSql}`, countParams),
  ]);
  return { rows, total: count?.rows[0]?.total ?? rows.length };
}

/**
 * Leases up to `limit` orders that need the recovery worker: in flight for longer than
 * `stuckAfterMs`, or failed with compensation still pending. SKIP LOCKED + a lease let several
 * replicas run the worker without handling the same order twice.
 */
export async function leaseUnsettled(
  db: Queryable,
  stuckAfterMs: number,
  leaseMs: number,
  limit: number,
): Promise<OrderRow[]> {
  const { rows } = await db.query<OrderRow>(
    `UPDATE orders SET recovery_lease_until = now() + make_interval(secs => $2 / 1000.0)
      WHERE id IN (
        SELECT id FROM orders
         WHERE (status IN ('pending', 'reserved', 'paid', 'refunding') OR compensation_pending)
           AND updated_at < now() - make_interval(secs => $1 / 1000.0)
           AND (recovery_lease_until IS NULL OR recovery_lease_until < now())
         ORDER BY updated_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [stuckAfterMs, leaseMs, limit],
  );
  return rows;
}
