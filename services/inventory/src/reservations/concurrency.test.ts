import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const put = (productId: number, onHand: number) =>
  h.app.inject({
    method: 'PUT',
    url: `/api/inventory/stock/${productId}`,
    headers: h.shop,
    payload: { onHand },
  });

test(
  '100 concurrent reservations of one unit against 50 units hold exactly 50, never more',
  { timeout: 60_000 },
  async () => {
    assert.equal((await put(501, 50)).statusCode, 200);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h.app.inject({
          method: 'POST',
          url: '/api/inventory/reservations',
          headers: h.shop,
          payload: { orderId: `race-${i}`, items: [{ productId: 501, quantity: 1 }] },
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 201).length, 50);
    assert.equal(statuses.filter((s) => s === 409).length, 50);
    const { rows } = await h.db.query<{ on_hand: number; reserved: number }>(
      'SELECT on_hand, reserved FROM stock WHERE product_id = 501',
    );
    assert.deepEqual(rows[0], { on_hand: 50, reserved: 50 });
    const held = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM reservations WHERE order_id LIKE 'race-%' AND status = 'held'",
    );
    assert.equal(held.rows[0]?.n, 50);
  },
);

test(
  '20 concurrent identical reservations for one order hold the units once',
  { timeout: 60_000 },
  async () => {
    assert.equal((await put(502, 10)).statusCode, 200);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.app.inject({
          method: 'POST',
          url: '/api/inventory/reservations',
          headers: h.shop,
          payload: { orderId: 'same-order', items: [{ productId: 502, quantity: 3 }] },
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort((a, b) => a - b);
    assert.deepEqual(statuses, [...Array<number>(19).fill(200), 201]);
    const { rows } = await h.db.query<{ reserved: number }>(
      'SELECT reserved FROM stock WHERE product_id = 502',
    );
    assert.equal(rows[0]?.reserved, 3);
  },
);

test(
  'concurrent reservations crossing two products in opposite order never deadlock or oversell',
  { timeout: 60_000 },
  async () => {
    await put(503, 30);
    await put(504, 30);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.app.inject({
          method: 'POST',
          url: '/api/inventory/reservations',
          headers: h.shop,
          payload: {
            orderId: `cross-${i}`,
            items:
              i % 2 === 0
                ? [
                    { productId: 503, quantity: 1 },
                    { productId: 504, quantity: 1 },
                  ]
                : [
                    { productId: 504, quantity: 1 },
                    { productId: 503, quantity: 1 },
                  ],
          },
        }),
      ),
    );
    assert.equal(results.filter((r) => r.statusCode === 201).length, 30);
    assert.ok(results.every((r) => r.statusCode === 201 || r.statusCode === 409));
    const { rows } = await h.db.query<{ reserved: number }>(
      'SELECT reserved FROM stock WHERE product_id IN (503, 504) ORDER BY product_id',
    );
    assert.deepEqual(
      rows.map((r) => r.reserved),
      [30, 30],
    );
  },
);

test(
  'commits racing new holds on the same three products all succeed, and every unit is counted once',
  { timeout: 60_000 },
  async () => {
    const products = [506, 507, 508];
    for (const id of products) await put(id, 100);
    const reserve = (orderId: string, ids: number[]) =>
      h.app.inject({
        method: 'POST',
        url: '/api/inventory/reservations',
        headers: h.shop,
        payload: { orderId, items: ids.map((productId) => ({ productId, quantity: 1 })) },
      });
    for (let i = 0; i < 30; i++) assert.equal((await reserve(`to-commit-${i}`, products)).statusCode, 201);
    // Commits take the stock rows in one statement, holds one row at a time: both in product order.
    const results = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) =>
        h.app.inject({
          method: 'POST',
          url: `/api/inventory/reservations/to-commit-${i}/commit`,
          headers: h.shop,
        }),
      ),
      ...Array.from({ length: 30 }, (_, i) =>
        reserve(`racing-${i}`, i % 2 === 0 ? products : [...products].reverse()),
      ),
    ]);
    assert.deepEqual(
      results.map((r) => r.statusCode),
      [...Array<number>(30).fill(200), ...Array<number>(30).fill(201)],
    );
    const { rows } = await h.db.query<{ on_hand: number; reserved: number }>(
      'SELECT on_hand, reserved FROM stock WHERE product_id = ANY($1::int[]) ORDER BY product_id',
      [products],
    );
    for (const row of rows) assert.deepEqual(row, { on_hand: 70, reserved: 30 });
  },
);

test(
  'the database itself refuses negative or over-held stock, whatever the code does',
  { timeout: 30_000 },
  async () => {
    await put(505, 1);
    await assert.rejects(h.db.query('UPDATE stock SET reserved = 2 WHERE product_id = 505'));
    await assert.rejects(h.db.query('UPDATE stock SET on_hand = -1, reserved = 0 WHERE product_id = 505'));
    await assert.rejects(
      h.db.query(
        "INSERT INTO reservations (order_id, status, expires_at, client_id) VALUES ('dup', 'held', now(), 'x'), ('dup', 'held', now(), 'x')",
      ),
    );
  },
);
