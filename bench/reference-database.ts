/**
 * The reference server's database (bench/reference-server.ts): the original's order tables, as its
 * init-db.sql created them, and the order history the read-path bench reads — the same orders the
 * bench places on MockMart's side (one line of two Wireless Mice each, shipped to one address).
 */
import pg from 'pg';

const SCHEMA = `
  CREATE TABLE orders (
    id SERIAL PRIMARY KEY,
    user_id VARCHAR(100) NOT NULL,
    user_email VARCHAR(255) NOT NULL,
    user_name VARCHAR(255) NOT NULL,
    total DECIMAL(10,2) NOT NULL,
    shipping_address JSONB NOT NULL,
    payment_method VARCHAR(50) NOT NULL,
    status VARCHAR(50) DEFAULT 'pending',
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
  );
  CREATE TABLE order_items (
    id SERIAL PRIMARY KEY,
    order_id INTEGER REFERENCES orders(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL,
    product_name VARCHAR(255) NOT NULL,
    quantity INTEGER NOT NULL,
    price DECIMAL(10,2) NOT NULL
  );
  CREATE INDEX idx_orders_user_id ON orders(user_id);
  CREATE INDEX idx_orders_created_at ON orders(created_at);
  CREATE INDEX idx_order_items_order_id ON order_items(order_id);`;

export interface SeededOrders {
  userId: string;
  email: string;
  name: string;
  shippingAddress: Record<string, string>;
  count: number;
}

export async function createReferenceOrders(
  databaseUrl: string,
  seeds: readonly SeededOrders[],
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(SCHEMA);
    for (const seed of seeds)
      for (let order = 0; order < seed.count; order++) {
        const { rows } = await client.query<{ id: number }>(
          `INSERT INTO orders (user_id, user_email, user_name, total, shipping_address, payment_method, status)
           VALUES ($1, $2, $3, 59.98, $4, 'credit-card', 'pending') RETURNING id`,
          [seed.userId, seed.email, seed.name, JSON.stringify(seed.shippingAddress)],
        );
        await client.query(
          `INSERT INTO order_items (order_id, product_id, product_name, quantity, price)
           VALUES ($1, 2, 'Wireless Mouse', 2, 29.99)`,
          [rows[0]!.id],
        );
      }
  } finally {
    await client.end();
  }
}
