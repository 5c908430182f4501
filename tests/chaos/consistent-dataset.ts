/**
 * A small dataset on which every chaos invariant holds, written into the four services' real
 * schemas (their migrations): five orders of one shopper covering each way a checkout ends —
 * confirmed (one line and several), out of stock, declined, and failed after a charge that was
 * refunded — with the charges, refunds, reservations, stock, mails, outbox events and stored
 * Idempotency-Key answers those outcomes leave behind, and what the client saw for each key.
 * The checker's self-test corrupts copies of it.
 */
import { observe, type KeyObservation } from './answers.ts';
import type { Reader } from './dataset.ts';

export const SHOPPER = 'user-1';

interface Order {
  id: number;
  status: 'confirmed' | 'failed';
  reason: string | null;
  lines: Array<{ productId: number; name: string; quantity: number; price: number }>;
  /** The charge: kept, declined, refunded in full, or none. */
  charge: 'kept' | 'declined' | 'refunded' | 'none';
  reservation: 'committed' | 'released' | 'none';
  answer: { status: number; code?: string; extra?: Record<string, unknown> };
}

export const ORDERS: Order[] = [
  {
    id: 1,
    status: 'confirmed',
    reason: null,
    lines: [{ productId: 2, name: 'Wireless Mouse', quantity: 2, price: 2999 }],
    charge: 'kept',
    reservation: 'committed',
    answer: { status: 201 },
  },
  {
    id: 2,
    status: 'failed',
    reason: 'out_of_stock',
    lines: [{ productId: 8, name: 'Monitor 27" 4K', quantity: 99, price: 44999 }],
    charge: 'none',
    reservation: 'none',
    answer: { status: 409, code: 'SHOP_OUT_OF_STOCK', extra: { unavailable: [] } },
  },
  {
    id: 3,
    status: 'failed',
    reason: 'payment_declined',
    lines: [{ productId: 3, name: 'Mechanical Keyboard', quantity: 1, price: 11999 }],
    charge: 'declined',
    reservation: 'released',
    answer: { status: 402, code: 'SHOP_PAYMENT_DECLINED', extra: { reason: 'card_declined' } },
  },
  {
    id: 4,
    status: 'failed',
    reason: 'inventory_unavailable',
    lines: [{ productId: 5, name: 'Webcam HD Pro', quantity: 1, price: 7999 }],
    charge: 'refunded',
    reservation: 'released',
    answer: {
      status: 503,
      code: 'SHOP_DEPENDENCY_UNAVAILABLE',
      extra: { orderStatus: 'failed', reason: 'inventory_unavailable' },
    },
  },
  {
    id: 5,
    status: 'confirmed',
    reason: null,
    lines: [
      { productId: 1, name: 'Laptop ProBook 15', quantity: 1, price: 89999 },
      { productId: 10, name: 'Cable Organizer Set', quantity: 3, price: 1499 },
    ],
    charge: 'kept',
    reservation: 'committed',
    answer: { status: 201 },
  },
];

const totalOf = (o: Order) => o.lines.reduce((sum, l) => sum + l.quantity * l.price, 0);
const mailType = (o: Order) => (o.status === 'confirmed' ? 'order.confirmed' : 'order.failed');
export const keyOf = (o: { id: number }) => `key-${o.id}`;
export const chargeOf = (o: { id: number }) => `ch-${o.id}`;

/** The answer body a checkout gives for the order (201 with the order, or a problem naming it). */
function answerBody(o: Order): unknown {
  if (o.answer.status === 201)
    return { success: true, order: { id: o.id, status: o.status, total: totalOf(o) } };
  return {
    type: 'about:blank',
    title: 'checkout failed',
    status: o.answer.status,
    code: o.answer.code,
    orderId: o.id,
    ...o.answer.extra,
  };
}

/** The outcome shop-api stores for the key: the order as its checkout answered it (the fields read here). */
function storedOutcome(o: Order): unknown {
  return { id: o.id, status: o.status, statusReason: o.reason, totalMinor: totalOf(o) };
}

export interface Readers {
  shop: Reader;
  inventory: Reader;
  payment: Reader;
  notification: Reader;
}

/** Writes the dataset; returns onHand per product as it was before the confirmed orders. */
export async function writeConsistentDataset(dbs: Readers): Promise<Map<number, number>> {
  const { rows } = await dbs.inventory.query<{ productId: number; onHand: number }>(
    'SELECT product_id AS "productId", on_hand AS "onHand" FROM stock',
  );
  const initialStock = new Map(rows.map((r) => [r.productId, r.onHand]));
  for (const o of ORDERS) {
    await writeShopOrder(dbs.shop, o);
    await writeInventory(dbs.inventory, o);
    await writePayment(dbs.payment, o);
    await dbs.notification.query(
      `INSERT INTO notifications (id, event_id, payload_hash, type, order_id, user_id, to_address, subject, text_body, status, client_id)
       VALUES ($1, $2, 'h', $3, $4, $5, 'u1@shop.test', 'Your order', 'text', 'stored', 'shop-api')`,
      [`mail-${o.id}`, `order-${o.id}-${o.status}`, mailType(o), String(o.id), SHOPPER],
    );
  }
  return initialStock;
}

async function writeShopOrder(shop: Reader, o: Order) {
  await shop.query(
    `INSERT INTO orders (id, user_id, user_email, user_name, status, status_reason, total_minor, currency,
                         shipping_address, payment_method, charge_id)
     OVERRIDING SYSTEM VALUE VALUES ($1, $2, 'u1@shop.test', 'U One', $3, $4, $5, 'EUR', '{}', 'credit-card', $6)`,
    [o.id, SHOPPER, o.status, o.reason, totalOf(o), o.charge === 'none' ? null : chargeOf(o)],
  );
  for (const l of o.lines)
    await shop.query('INSERT INTO order_items VALUES ($1, $2, $3, $4, $5)', [
      o.id,
      l.productId,
      l.name,
      l.quantity,
      l.price,
    ]);
  await shop.query(
    `INSERT INTO idempotency_keys (user_id, key, request_hash, order_id, outcome)
     VALUES ($1, $2, 'h', $3, $4)`,
    [SHOPPER, keyOf(o), o.id, JSON.stringify(storedOutcome(o))],
  );
  await shop.query(
    `INSERT INTO outbox (event_id, type, order_id, payload, attempts, delivered_at) VALUES ($1, $2, $3, '{}', 1, now())`,
    [`order-${o.id}-${o.status}`, mailType(o), o.id],
  );
}

async function writeInventory(inventory: Reader, o: Order) {
  if (o.reservation === 'none') return;
  await inventory.query(
    `INSERT INTO reservations (order_id, status, expires_at, client_id) VALUES ($1, $2, now() + interval '15 minutes', 'shop-api')`,
    [String(o.id), o.reservation],
  );
  for (const l of o.lines) {
    await inventory.query('INSERT INTO reservation_items VALUES ($1, $2, $3)', [
      String(o.id),
      l.productId,
      l.quantity,
    ]);
    if (o.reservation === 'committed')
      await inventory.query('UPDATE stock SET on_hand = on_hand - $2 WHERE product_id = $1', [
        l.productId,
        l.quantity,
      ]);
  }
}

async function writePayment(payment: Reader, o: Order) {
  if (o.charge === 'none') return;
  await payment.query(
    `INSERT INTO charges (charge_id, order_id, client_id, idempotency_key, request_hash, amount, currency, payment_method,
                          customer_user_id, status, decline_reason, refunded_amount)
     VALUES ($1, $2, 'shop-api', $3, 'h', $4, 'EUR', 'credit-card', $5, $6, $7, $8)`,
    [
      chargeOf(o),
      String(o.id),
      `order-${o.id}-charge`,
      totalOf(o),
      SHOPPER,
      o.charge === 'declined' ? 'declined' : 'succeeded',
      o.charge === 'declined' ? 'card_declined' : null,
      o.charge === 'refunded' ? totalOf(o) : 0,
    ],
  );
  if (o.charge === 'refunded')
    await payment.query(
      `INSERT INTO refunds (refund_id, charge_id, client_id, idempotency_key, request_hash, amount, reason, status)
       VALUES ($1, $2, 'shop-api', $3, 'h', $4, 'order not completed', 'succeeded')`,
      [`rf-${o.id}`, chargeOf(o), `order-${o.id}-refund`, totalOf(o)],
    );
}

/** What the client saw per key: the live answer, then the same answer replayed after recovery. */
export function consistentObservations(): KeyObservation[] {
  return ORDERS.map((o, i) => ({
    userId: SHOPPER,
    key: keyOf(o),
    checkout: i,
    paymentMethod: 'credit-card',
    answers: [
      observe(10, 'live', o.answer.status, answerBody(o)),
      observe(20, 'final', o.answer.status, answerBody(o)),
    ],
  }));
}

/** A checkout's problem body naming (or not) an order and its status. */
export function problem(status: number, code: string, orderId?: number, orderStatus?: string): unknown {
  return {
    type: 'about:blank',
    title: 'x',
    status,
    code,
    ...(orderId ? { orderId } : {}),
    ...(orderStatus ? { orderStatus } : {}),
    traceId: 'other',
  };
}
