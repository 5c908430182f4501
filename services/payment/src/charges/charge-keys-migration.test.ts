/**
 * 003_charge_keys.sql on a database that charged and voided before it: every key already charged
 * or voided is claimed as such, so a charge and a void still find what came first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase, type Database } from '@mockmart/service-kit/db';
import { createThrowawayDatabase } from '@mockmart/service-kit/testing';
import { requestFingerprint } from '@mockmart/service-kit';
import { createCharge, type ChargeRequest } from './create-charge.ts';
import { voidChargeKey } from './void-charge.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const BEFORE = ['001_charges_and_refunds.sql', '002_voided_keys.sql'];

let db: Database;
let drop: () => Promise<void>;
const earlier = mkdtempSync(join(tmpdir(), 'payment-migrations-'));
before(async () => {
  for (const file of BEFORE) copyFileSync(fileURLToPath(new URL(file, MIGRATIONS)), join(earlier, file));
  const throwaway = await createThrowawayDatabase();
  assert.ok(throwaway, 'the test needs PostgreSQL (npm test starts one when none answers)');
  db = await openDatabase({ url: throwaway.url, migrationsDir: earlier });
  drop = async () => {
    await db.close();
    await throwaway.drop();
  };
});
after(async () => {
  await drop?.();
  rmSync(earlier, { recursive: true, force: true });
});

const request = (orderId: string): ChargeRequest => ({
  orderId,
  amount: 2_500,
  currency: 'EUR',
  paymentMethod: 'credit-card',
  customer: { userId: 'user-mario' },
});
const declineOff = { mayApply: async () => false, take: async () => false };

test('keys charged or voided before 003 stay charged or voided after it', { timeout: 30_000 }, async () => {
  const insertCharge = (key: string, orderId: string, status: 'succeeded' | 'declined') =>
    db.query(
      `INSERT INTO charges (charge_id, order_id, client_id, idempotency_key, request_hash, amount, currency,
         payment_method, customer_user_id, status, decline_reason)
       VALUES ($1, $2, 'shop-api', $3, $4, 2500, 'EUR', 'credit-card', 'user-mario', $5, $6)`,
      [
        `ch_${key}`,
        orderId,
        key,
        requestFingerprint(request(orderId)),
        status,
        status === 'declined' ? 'card_declined' : null,
      ],
    );
  const insertVoid = (key: string, orderId: string) =>
    db.query(`INSERT INTO voided_keys (client_id, idempotency_key, order_id) VALUES ('shop-api', $1, $2)`, [
      key,
      orderId,
    ]);
  await insertCharge('key-paid', 'order-1', 'succeeded');
  await insertCharge('key-declined', 'order-2', 'declined');
  await insertVoid('key-voided', 'order-3');
  // Never left by the lock that guarded both, but should a key be both, the charge is what happened.
  await insertCharge('key-both', 'order-4', 'succeeded');
  await insertVoid('key-both', 'order-4');

  assert.deepEqual(await migrate(db, MIGRATIONS), ['003_charge_keys.sql']);

  const { rows } = await db.query(
    'SELECT idempotency_key, order_id, voided FROM charge_keys ORDER BY idempotency_key',
  );
  assert.deepEqual(rows, [
    { idempotency_key: 'key-both', order_id: 'order-4', voided: false },
    { idempotency_key: 'key-declined', order_id: 'order-2', voided: false },
    { idempotency_key: 'key-paid', order_id: 'order-1', voided: false },
    { idempotency_key: 'key-voided', order_id: 'order-3', voided: true },
  ]);
  const { rows: tables } = await db.query<{ found: string | null }>(
    "SELECT to_regclass('voided_keys')::text AS found",
  );
  assert.equal(tables[0]?.found, null, 'voided_keys is gone: charge_keys holds the voids');

  const charge = (key: string, orderId: string) =>
    createCharge(
      { db, declineFault: declineOff },
      { clientId: 'shop-api', idempotencyKey: key, request: request(orderId) },
    );
  const settle = (key: string, orderId: string) =>
    voidChargeKey(db, { clientId: 'shop-api', idempotencyKey: key, orderId });

  const replay = await charge('key-paid', 'order-1');
  assert.equal(replay.created, false);
  assert.equal(replay.charge.chargeId, 'ch_key-paid');
  assert.equal((await charge('key-declined', 'order-2')).charge.status, 'declined');
  await assert.rejects(charge('key-voided', 'order-3'), { code: 'PAY_CHARGE_VOIDED' });

  const paid = await settle('key-paid', 'order-1');
  assert.equal(paid.status === 'charged' && paid.charge.chargeId, 'ch_key-paid');
  assert.equal((await settle('key-both', 'order-4')).status, 'charged');
  assert.deepEqual(await settle('key-voided', 'order-3'), { status: 'voided' });
});
