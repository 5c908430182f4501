/**
 * The end state of a run as the services themselves recorded it, read straight from each
 * service's own database (not through their APIs): orders, keys and outbox (shop-api), stock and
 * reservations (inventory), charges and refunds (payment), mails (notification). Plain rows, so the
 * invariants can be checked — and the checker tested — without any process running.
 */

/** Anything that runs a query: a pg.Pool, a pg.Client inside a transaction, a kit Database. */
export interface Reader {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface ServiceReaders {
  shop: Reader;
  inventory: Reader;
  payment: Reader;
  notification: Reader;
}

export interface OrderRow {
  id: number;
  userId: string;
  userEmail: string | null;
  status: string;
  reason: string | null;
  compensationPending: boolean;
  totalMinor: number;
  chargeId: string | null;
}
export interface Line {
  orderId: string;
  productId: number;
  quantity: number;
}
export interface KeyRow {
  userId: string;
  key: string;
  orderId: number | null;
  /** The order as its checkout answered it (shop-api's stored outcome), null before the answer. */
  outcome: unknown;
}
export interface OutboxRow {
  eventId: string;
  orderId: number | null;
  type: string;
  delivered: boolean;
  dead: boolean;
}
export interface StockRow {
  productId: number;
  onHand: number;
  reserved: number;
}
export interface ReservationRow {
  orderId: string;
  status: string;
}
export interface ChargeRow {
  chargeId: string;
  orderId: string;
  status: string;
  amount: number;
  refundedAmount: number;
}
export interface RefundRow {
  refundId: string;
  chargeId: string;
  amount: number;
}
export interface MailRow {
  id: string;
  eventId: string;
  orderId: string;
  type: string;
  status: string;
}

export interface Dataset {
  orders: OrderRow[];
  orderItems: Line[];
  keys: KeyRow[];
  outbox: OutboxRow[];
  stock: StockRow[];
  reservations: ReservationRow[];
  reservationItems: Line[];
  charges: ChargeRow[];
  refunds: RefundRow[];
  mails: MailRow[];
}

const all = async <Row>(db: Reader, sql: string) => (await db.query<Row>(sql)).rows;

/**
 * Amounts are bigint in payment and counts come back as strings: every number is cast in SQL.
 * One query at a time: a reader may be a single connection inside a transaction.
 */
export async function readDataset(dbs: ServiceReaders): Promise<Dataset> {
  const orders = await all<OrderRow>(
    dbs.shop,
    `SELECT id, user_id AS "userId", user_email AS "userEmail", status, status_reason AS reason,
            compensation_pending AS "compensationPending", total_minor AS "totalMinor", charge_id AS "chargeId"
       FROM orders ORDER BY id`,
  );
  const orderItems = await all<Line>(
    dbs.shop,
    `SELECT order_id::text AS "orderId", product_id AS "productId", quantity FROM order_items ORDER BY order_id, product_id`,
  );
  const keys = await all<KeyRow>(
    dbs.shop,
    `SELECT user_id AS "userId", key, order_id AS "orderId", outcome FROM idempotency_keys ORDER BY created_at, key`,
  );
  const outbox = await all<OutboxRow>(
    dbs.shop,
    `SELECT event_id AS "eventId", order_id AS "orderId", type, delivered_at IS NOT NULL AS delivered,
            dead_at IS NOT NULL AS dead FROM outbox ORDER BY id`,
  );
  const stock = await all<StockRow>(
    dbs.inventory,
    `SELECT product_id AS "productId", on_hand AS "onHand", reserved FROM stock ORDER BY product_id`,
  );
  const reservations = await all<ReservationRow>(
    dbs.inventory,
    `SELECT order_id AS "orderId", status FROM reservations ORDER BY order_id`,
  );
  const reservationItems = await all<Line>(
    dbs.inventory,
    `SELECT order_id AS "orderId", product_id AS "productId", quantity FROM reservation_items ORDER BY order_id, product_id`,
  );
  const charges = await all<ChargeRow>(
    dbs.payment,
    `SELECT charge_id AS "chargeId", order_id AS "orderId", status, amount::float8 AS amount,
            refunded_amount::float8 AS "refundedAmount" FROM charges ORDER BY created_at, charge_id`,
  );
  const refunds = await all<RefundRow>(
    dbs.payment,
    `SELECT refund_id AS "refundId", charge_id AS "chargeId", amount::float8 AS amount FROM refunds ORDER BY created_at, refund_id`,
  );
  const mails = await all<MailRow>(
    dbs.notification,
    `SELECT id, event_id AS "eventId", order_id AS "orderId", type, status FROM notifications ORDER BY created_at, id`,
  );
  return { orders, orderItems, keys, outbox, stock, reservations, reservationItems, charges, refunds, mails };
}

/** onHand per product, read before the traffic: what "stock conserved" is measured against. */
export async function readStock(inventory: Reader): Promise<Map<number, number>> {
  const rows = await all<StockRow>(
    inventory,
    'SELECT product_id AS "productId", on_hand AS "onHand" FROM stock',
  );
  return new Map(rows.map((r) => [r.productId, r.onHand]));
}
