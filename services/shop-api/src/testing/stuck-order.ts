import type { OrderStatus } from '../checkout/schemas.ts';
import { ADDRESS, type Harness } from './harness.ts';

/**
 * An order a dead checkout left behind, as the recovery and admin-cancel tests need it: one
 * Mechanical Keyboard (product 3, 119.99 EUR) in `status`, last touched ten minutes ago. What else
 * the dead checkout did (cart, key, history, hold, charge) each test adds itself.
 */
export async function insertStuckOrder(h: Harness, username: string, status: OrderStatus): Promise<number> {
  const { rows } = await h.db.query<{ id: number }>(
    `INSERT INTO orders (user_id, user_email, user_name, status, total_minor, currency, shipping_address, payment_method, updated_at)
     VALUES ($1, $2, $1, $3, 11999, 'EUR', $4, 'credit-card', now() - interval '10 minutes') RETURNING id`,
    [username, `${username}@techstore.test`, status, JSON.stringify(ADDRESS)],
  );
  const id = rows[0]!.id;
  await h.db.query(`INSERT INTO order_items VALUES ($1, 3, 'Mechanical Keyboard', 1, 11999)`, [id]);
  return id;
}

/** The charge request the saga makes for such an order, with the key it derives from the order. */
export function chargeAsTheSaga(h: Harness, orderId: number) {
  return h.downstream.payment.charge(
    {
      orderId: String(orderId),
      amount: 11999,
      currency: 'EUR',
      paymentMethod: 'credit-card',
      customer: { userId: 'x' },
    },
    `order-${orderId}-charge`,
  );
}
