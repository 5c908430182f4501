/**
 * The chaos checker proves itself: on a consistent dataset in the services' real schemas it finds
 * nothing, and each deliberate corruption of a copy — the kinds of damage a broken saga leaves —
 * is named with the ids it concerns. No processes: four throwaway databases with the services'
 * migrations (local PostgreSQL, else the test run's embedded server); every corruption runs in a transaction rolled back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { observe, type KeyObservation } from './answers.ts';
import { consistentObservations, problem, writeConsistentDataset } from './consistent-dataset.ts';
import { readDataset, type Reader } from './dataset.ts';
import { checkInvariants } from './invariants/check.ts';
import type { Violation } from './invariants/violation.ts';

const SERVICES = {
  shop: 'shop-api',
  inventory: 'inventory',
  payment: 'payment',
  notification: 'notification',
} as const;
type Service = keyof typeof SERVICES;

class RollBack extends Error {}

describe('chaos invariants checker', { timeout: 120_000 }, () => {
  const dbs = {} as Record<Service, TestDatabase>;
  let initialStock: Map<number, number>;

  before(async () => {
    for (const [name, dir] of Object.entries(SERVICES))
      dbs[name as Service] = await createTestDatabase({
        migrationsDir: new URL(`../../services/${dir}/migrations/`, import.meta.url),
      });
    initialStock = await writeConsistentDataset(readers());
  });
  after(async () => {
    await Promise.all(Object.values(dbs).map((d) => d.drop()));
  });

  const readers = (override: Partial<Record<Service, Reader>> = {}) => ({
    shop: override.shop ?? dbs.shop.db,
    inventory: override.inventory ?? dbs.inventory.db,
    payment: override.payment ?? dbs.payment.db,
    notification: override.notification ?? dbs.notification.db,
  });

  /** Applies `sql` to one service's database in a transaction, checks, and rolls it back. */
  async function violationsAfter(
    corruption: Partial<Record<Service, string[]>>,
    observations: (seen: KeyObservation[]) => void = () => {},
  ): Promise<Violation[]> {
    const entries = Object.entries(corruption) as Array<[Service, string[]]>;
    const seen = consistentObservations();
    observations(seen);
    let found: Violation[] = [];
    const inTransactions = async (i: number, open: Partial<Record<Service, Reader>>): Promise<void> => {
      if (i === entries.length) {
        found = checkInvariants({ data: await readDataset(readers(open)), initialStock, observations: seen });
        return;
      }
      const [service, statements] = entries[i]!;
      await dbs[service].db
        .transaction(async (tx) => {
          for (const sql of statements) await tx.query(sql);
          await inTransactions(i + 1, { ...open, [service]: tx });
          throw new RollBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RollBack)) throw error;
        });
    };
    await inTransactions(0, {});
    return found;
  }

  const named = (violations: Violation[]) => violations.map((v) => `${v.invariant}: ${v.ids.join(', ')}`);
  const expectNamed = (violations: Violation[], invariant: string, id: string) =>
    assert.ok(
      violations.some((v) => v.invariant === invariant && v.ids.includes(id)),
      `expected ${invariant} naming ${id}, got ${JSON.stringify(named(violations))}`,
    );

  test('finds nothing wrong in the consistent dataset', async () => {
    assert.deepEqual(named(await violationsAfter({})), []);
  });

  const corruptions: Array<{
    name: string;
    corruption: Partial<Record<Service, string[]>>;
    observations?: (seen: KeyObservation[]) => void;
    expect: Array<[string, string]>;
  }> = [
    {
      name: 'a confirmed order whose only charge was refunded (bug B)',
      corruption: {
        payment: [
          "UPDATE charges SET refunded_amount = amount WHERE charge_id = 'ch-1'",
          "INSERT INTO refunds VALUES ('rf-x', 'ch-1', 'shop-api', 'k-x', 'h', 5998, 'x', 'succeeded')",
        ],
      },
      expect: [
        ['confirmed-without-money', 'order 1'],
        ['money-total', ''],
      ],
    },
    {
      name: 'a failed order promoted to confirmed with its refunded charge',
      corruption: { shop: ["UPDATE orders SET status = 'confirmed', status_reason = NULL WHERE id = 4"] },
      expect: [
        ['confirmed-without-money', 'order 4'],
        ['reservation-disagrees', 'order 4'],
      ],
    },
    {
      name: 'a confirmed order partly refunded',
      corruption: {
        payment: [
          "UPDATE charges SET refunded_amount = 1000 WHERE charge_id = 'ch-5'",
          "INSERT INTO refunds VALUES ('rf-y', 'ch-5', 'shop-api', 'k-y', 'h', 1000, 'x', 'succeeded')",
        ],
      },
      expect: [['confirmed-wrong-amount', 'order 5']],
    },
    {
      name: 'a confirmed order naming another charge than the one holding the money',
      corruption: { shop: ["UPDATE orders SET charge_id = 'ch-other' WHERE id = 1"] },
      expect: [['confirmed-charge-mismatch', 'order 1']],
    },
    {
      name: 'a failed order that keeps its money',
      corruption: {
        payment: [
          "DELETE FROM refunds WHERE charge_id = 'ch-4'",
          "UPDATE charges SET refunded_amount = 0 WHERE charge_id = 'ch-4'",
        ],
      },
      expect: [
        ['unfinished-order-keeps-money', 'order 4'],
        ['money-total', ''],
      ],
    },
    {
      name: 'a charge for an order shop-api never had',
      corruption: {
        payment: [
          "INSERT INTO charges VALUES ('ch-99', '99', 'shop-api', 'k-99', 'h', 500, 'EUR', 'credit-card', 'u', 'succeeded', NULL, 0)",
        ],
      },
      expect: [
        ['charge-without-order', 'charge ch-99'],
        ['money-total', ''],
      ],
    },
    {
      name: "refunds that do not add up to the charge's refunded amount",
      corruption: { payment: ["DELETE FROM refunds WHERE charge_id = 'ch-4'"] },
      expect: [['refunds-disagree', 'charge ch-4']],
    },
    {
      name: 'an order left in flight, another with compensation pending',
      corruption: {
        shop: [
          "UPDATE orders SET status = 'reserved' WHERE id = 3",
          'UPDATE orders SET compensation_pending = true WHERE id = 4',
        ],
      },
      expect: [
        ['order-not-final', 'order 3'],
        ['order-not-final', 'order 4'],
      ],
    },
    {
      name: 'missing stock',
      corruption: { inventory: ['UPDATE stock SET on_hand = on_hand - 1 WHERE product_id = 2'] },
      expect: [['stock-not-conserved', 'product 2']],
    },
    {
      name: 'a reservation left held',
      corruption: {
        inventory: [
          "UPDATE reservations SET status = 'held' WHERE order_id = '3'",
          'UPDATE stock SET reserved = reserved + 1 WHERE product_id = 3',
        ],
      },
      expect: [
        ['reservation-held', 'order 3'],
        ['stock-held', 'product 3'],
      ],
    },
    {
      name: 'stock committed for a failed order (bug A)',
      corruption: {
        inventory: [
          "UPDATE reservations SET status = 'committed' WHERE order_id = '4'",
          'UPDATE stock SET on_hand = on_hand - 1 WHERE product_id = 5',
        ],
      },
      expect: [
        ['reservation-disagrees', 'order 4'],
        ['stock-not-conserved', 'product 5'],
      ],
    },
    {
      name: 'a committed reservation with other items than the order',
      corruption: { inventory: ["UPDATE reservation_items SET quantity = 3 WHERE order_id = '1'"] },
      expect: [['reservation-items-differ', 'order 1']],
    },
    {
      name: 'a reservation of an unknown order',
      corruption: { inventory: ["INSERT INTO reservations VALUES ('77', 'released', now(), 'shop-api')"] },
      expect: [['reservation-without-order', 'order 77']],
    },
    {
      name: 'a duplicate mail',
      corruption: {
        notification: [
          "INSERT INTO notifications (id, event_id, payload_hash, type, order_id, user_id, subject, text_body, status, client_id) VALUES ('mail-1b', 'order-1-confirmed-again', 'h', 'order.confirmed', '1', 'user-1', 's', 't', 'stored', 'shop-api')",
        ],
      },
      expect: [['mail-duplicate', 'order 1']],
    },
    {
      name: 'a missing mail, and a mail telling another outcome',
      corruption: {
        notification: [
          "DELETE FROM notifications WHERE order_id = '2'",
          "INSERT INTO notifications (id, event_id, payload_hash, type, order_id, user_id, subject, text_body, status, client_id) VALUES ('mail-1f', 'order-1-failed', 'h', 'order.failed', '1', 'user-1', 's', 't', 'stored', 'shop-api')",
        ],
      },
      expect: [
        ['mail-missing', 'order 2'],
        ['mail-wrong-outcome', 'order 1'],
      ],
    },
    {
      name: 'a mail for an unknown order, and an outbox event parked dead',
      corruption: {
        notification: [
          "INSERT INTO notifications (id, event_id, payload_hash, type, order_id, user_id, subject, text_body, status, client_id) VALUES ('mail-42', 'order-42-failed', 'h', 'order.failed', '42', 'user-1', 's', 't', 'stored', 'shop-api')",
        ],
        shop: ["UPDATE outbox SET delivered_at = NULL, dead_at = now() WHERE event_id = 'order-3-failed'"],
      },
      expect: [
        ['mail-without-order', 'mail order-42-failed'],
        ['outbox-undelivered', 'event order-3-failed'],
      ],
    },
    {
      name: 'a second order for one key (an order without its key, a key pointing at another order)',
      corruption: {
        shop: [
          `INSERT INTO orders (id, user_id, user_email, status, status_reason, total_minor, currency, shipping_address, payment_method)
           OVERRIDING SYSTEM VALUE VALUES (6, 'user-1', NULL, 'failed', 'out_of_stock', 100, 'EUR', '{}', 'credit-card')`,
          "INSERT INTO idempotency_keys (user_id, key, request_hash, order_id, outcome) SELECT user_id, 'key-1b', request_hash, order_id, outcome FROM idempotency_keys WHERE key = 'key-1'",
        ],
      },
      expect: [
        ['order-without-key', 'order 6'],
        ['order-with-two-keys', 'order 1'],
      ],
    },
    {
      name: 'a key with no stored answer, another whose answer contradicts its order',
      corruption: {
        shop: [
          "UPDATE idempotency_keys SET outcome = NULL WHERE key = 'key-4'",
          `UPDATE idempotency_keys SET outcome = outcome || '{"status": "confirmed", "statusReason": null}' WHERE key = 'key-3'`,
        ],
      },
      expect: [
        ['key-without-answer', 'key key-4'],
        ['stored-answer-disagrees', 'key key-3'],
      ],
    },
    {
      name: 'a replay that differs from the first answer',
      corruption: {},
      observations: (seen) => {
        seen[0]!.answers.pop();
        seen[0]!.answers.push(
          observe(30, 'final', 503, problem(503, 'SHOP_DEPENDENCY_UNAVAILABLE', 1, 'failed')),
        );
      },
      expect: [
        ['replay-differs', 'key key-1'],
        ['replay-disagrees-with-order', 'key key-1'],
      ],
    },
    {
      name: 'answers of one key naming two orders',
      corruption: {},
      observations: (seen) => {
        seen[1]!.answers.push(observe(15, 'retry', 409, problem(409, 'SHOP_OUT_OF_STOCK', 5, 'failed')));
      },
      expect: [['key-with-two-orders', 'key key-2']],
    },
    {
      name: 'a 503 outcome that does not name its order, and a key still in progress after recovery',
      corruption: {},
      observations: (seen) => {
        seen[3]!.answers[0] = observe(10, 'live', 503, problem(503, 'SHOP_DEPENDENCY_UNAVAILABLE'));
        seen[2]!.answers[1] = observe(
          30,
          'final',
          409,
          problem(409, 'SHOP_IDEMPOTENCY_IN_PROGRESS', undefined),
        );
      },
      expect: [
        ['answer-without-order', 'key key-4'],
        ['replay-not-final', 'key key-3'],
      ],
    },
  ];

  for (const { name, corruption, observations, expect } of corruptions) {
    test(`names ${name}`, async () => {
      const violations = await violationsAfter(corruption, observations);
      for (const [invariant, id] of expect) {
        if (id) expectNamed(violations, invariant, id);
        else
          assert.ok(
            violations.some((v) => v.invariant === invariant),
            `expected ${invariant}, got ${JSON.stringify(named(violations))}`,
          );
      }
    });
  }

  test('after all that, the dataset itself is still consistent (every corruption was rolled back)', async () => {
    assert.deepEqual(named(await violationsAfter({})), []);
  });
});
