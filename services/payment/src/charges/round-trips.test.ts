/**
 * What a charge and a void cost in round trips to PostgreSQL (each one a process wake-up on both
 * sides, which dominated a checkout's CPU), counted by wrapping the database they are handed; and
 * the rare path of each, a statement that waited for a claim in flight, made deterministic by
 * holding that claim's transaction open until the statement is seen waiting.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database, Queryable, QueryOptions } from '@mockmart/service-kit/db';
import { createFaultSwitch, type FaultSwitch } from '@mockmart/service-kit/faults';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { requestFingerprint } from '@mockmart/service-kit';
import { declineFault } from '../faults/decline-fault.ts';
import { PAYMENT_FAULT_MODES, type PaymentFaultMode } from '../faults/modes.ts';
import { createCharge, type ChargeRequest } from './create-charge.ts';
import { claimKeyForVoid, makeCharge } from './charges-repository.ts';
import { voidChargeKey } from './void-charge.ts';

/** The database, recording each round trip: a statement (its prepared name), BEGIN, COMMIT or ROLLBACK. */
function counted(db: Database) {
  const trips: string[] = [];
  const via = (q: Queryable): Queryable => ({
    query<Row>(sql: string, params?: unknown[], options?: QueryOptions) {
      trips.push(options?.prepare ?? sql);
      return q.query<Row>(sql, params, options);
    },
  });
  const wrapped: Database = {
    ...db,
    query: via(db).query,
    async transaction(work, options) {
      trips.push('BEGIN');
      try {
        const result = await db.transaction((tx) => work(via(tx)), options);
        trips.push('COMMIT');
        return result;
      } catch (error) {
        trips.push('ROLLBACK');
        throw error;
      }
    },
  };
  return { db: wrapped, trips };
}

let t: TestDatabase;
let faults: FaultSwitch<PaymentFaultMode>;
before(async () => {
  t = await createTestDatabase({ migrationsDir: new URL('../../migrations/', import.meta.url) });
  // Remembers what it was last set to for the whole file, as the app's switch does between reads.
  faults = createFaultSwitch({ db: t.db, enabled: true, modes: PAYMENT_FAULT_MODES, refreshMs: 600_000 });
  await faults.install();
  await faults.set({ mode: 'none' }, 'test');
});
after(async () => {
  await t.drop();
});

const CLIENT = 'shop-api';
const LOCK_CHARGES = 'LOCK TABLE charges IN SHARE MODE';
const request = (orderId = `order-${randomUUID()}`): ChargeRequest => ({
  orderId,
  amount: 4_200,
  currency: 'EUR',
  paymentMethod: 'credit-card',
  customer: { userId: 'user-mario' },
});
const charge = (db: Database, key: string, body: ChargeRequest, switchOf = faults) =>
  createCharge(
    { db, declineFault: declineFault(switchOf) },
    { clientId: CLIENT, idempotencyKey: key, request: body },
  );
const voidKey = (db: Database, key: string, orderId: string) =>
  voidChargeKey(db, { clientId: CLIENT, idempotencyKey: key, orderId });

describe('round trips of the charge path', { timeout: 30_000 }, () => {
  test('a new charge is one statement, no transaction', async () => {
    const { db, trips } = counted(t.db);
    const made = await charge(db, randomUUID(), request());
    assert.equal(made.created, true);
    assert.equal(made.charge.status, 'succeeded');
    assert.deepEqual(trips, ['charge-make']);
  });

  test('a new charge with the fault switch disabled (production) is one statement too', async () => {
    const disabled = createFaultSwitch({ db: t.db, enabled: false, modes: PAYMENT_FAULT_MODES });
    const { db, trips } = counted(t.db);
    assert.equal((await charge(db, randomUUID(), request(), disabled)).created, true);
    assert.deepEqual(trips, ['charge-make']);
  });

  test('a replay, a mismatch and a charge of a voided key are one statement each', async () => {
    const key = randomUUID();
    const body = request();
    const first = await charge(t.db, key, body);

    const { db, trips } = counted(t.db);
    const replay = await charge(db, key, body);
    assert.deepEqual(replay, { created: false, charge: first.charge });
    assert.deepEqual(trips, ['charge-make']);

    await assert.rejects(charge(db, key, { ...body, amount: 1 }), { code: 'PAY_IDEMPOTENCY_MISMATCH' });
    assert.equal(trips.length, 2);

    const voided = randomUUID();
    await voidKey(t.db, voided, body.orderId);
    await assert.rejects(charge(db, voided, request()), { code: 'PAY_CHARGE_VOIDED' });
    assert.equal(trips.length, 3);
  });

  test('a void is one statement in a transaction that first waits for the charges under way', async () => {
    const { db, trips } = counted(t.db);
    const orderId = `order-${randomUUID()}`;
    const key = randomUUID();
    assert.deepEqual(await voidKey(db, key, orderId), { status: 'voided' });
    assert.deepEqual(await voidKey(db, key, orderId), { status: 'voided' });
    const charged = randomUUID();
    const made = await charge(t.db, charged, request(orderId));
    assert.deepEqual(await voidKey(db, charged, orderId), { status: 'charged', charge: made.charge });
    const oneVoid = ['BEGIN', LOCK_CHARGES, 'charge-void', 'COMMIT'];
    assert.deepEqual(trips, [...oneVoid, ...oneVoid, ...oneVoid]);
  });

  test('with the decline fault on, a charge takes it in a transaction, and gives it back when it makes none', async () => {
    try {
      await faults.set({ mode: 'decline', remaining: 1 }, 'test');
      const key = randomUUID();
      const body = request();
      const { db, trips } = counted(t.db);
      const declined = await charge(db, key, body);
      assert.equal(declined.charge.declineReason, 'simulated_decline');
      assert.deepEqual(trips, ['BEGIN', 'fault-take', 'charge-make', 'COMMIT']);

      await faults.set({ mode: 'decline', remaining: 1 }, 'test');
      trips.length = 0;
      assert.deepEqual(await charge(db, key, body), { created: false, charge: declined.charge });
      assert.deepEqual(trips, ['BEGIN', 'fault-take', 'charge-make', 'ROLLBACK']);
      assert.equal((await faults.read()).remaining, 1, 'the replay did not spend the fault');
      assert.equal((await charge(t.db, randomUUID(), request())).charge.declineReason, 'simulated_decline');
    } finally {
      await faults.set({ mode: 'none' }, 'test');
    }
  });
});

/**
 * Resolves once `waiters` statements of clients of the test database wait for a lock (a claim in
 * flight); an autovacuum worker waiting on a table lock is not one of them.
 */
async function someoneWaits(waiters = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND backend_type = 'client backend'`,
    );
    if (rows[0]!.n >= waiters) return;
    if (Date.now() > deadline) throw new Error('no statement waited for the claim in flight');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs `claim` in a transaction kept open while `race` runs, until `race` commits or rolls it back
 * (rolled back if it does neither, so a failing test never leaves it open).
 */
async function whileClaimHeld(
  claim: (tx: Queryable) => Promise<unknown>,
  race: (held: { commit(): Promise<void>; rollback(): Promise<void> }) => Promise<void>,
): Promise<void> {
  let finish!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => (finish = resolve));
  let claimed!: () => void;
  const ready = new Promise<void>((resolve) => (claimed = resolve));
  const done = t.db
    .transaction(async (tx) => {
      await claim(tx);
      claimed();
      if (!(await decided)) throw new Error('rolled back');
    })
    .catch(() => {});
  await ready;
  const end = async (commit: boolean) => {
    finish(commit);
    await done;
  };
  try {
    await race({ commit: () => end(true), rollback: () => end(false) });
  } finally {
    await end(false);
  }
}

const newCharge = (key: string, body: ChargeRequest) => ({
  chargeId: `ch_${randomUUID()}`,
  orderId: body.orderId,
  clientId: CLIENT,
  idempotencyKey: key,
  requestHash: requestFingerprint(body),
  amount: body.amount,
  currency: body.currency,
  paymentMethod: body.paymentMethod,
  customerUserId: body.customer.userId,
  status: 'succeeded' as const,
  declineReason: null,
});

/** A charge with a fresh key held in flight (whileClaimHeld) while `race` runs on a counted database. */
async function whileChargeHeld(
  race: (
    ctx: {
      key: string;
      body: ChargeRequest;
      first: ReturnType<typeof newCharge>;
      held: { commit(): Promise<void>; rollback(): Promise<void> };
    } & ReturnType<typeof counted>,
  ) => Promise<void>,
): Promise<void> {
  const key = randomUUID();
  const body = request();
  const first = newCharge(key, body);
  await whileClaimHeld(
    (tx) => makeCharge(tx, first),
    (held) => race({ key, body, first, held, ...counted(t.db) }),
  );
}

describe('a statement that waited for a claim in flight', { timeout: 30_000 }, () => {
  test('a charge waits for a charge with its key, then answers it: a second statement', async () => {
    await whileChargeHeld(async ({ key, body, first, held, db, trips }) => {
      const replay = charge(db, key, body);
      await someoneWaits();
      await held.commit();
      const answer = await replay;
      assert.equal(answer.created, false);
      assert.equal(answer.charge.chargeId, first.chargeId);
      assert.deepEqual(trips, ['charge-make', 'charge-key-state']);
    });
  });

  test('a charge waits for a void of its key, then is refused', async () => {
    const key = randomUUID();
    const body = request();
    await whileClaimHeld(
      (tx) => claimKeyForVoid(tx, { clientId: CLIENT, idempotencyKey: key, orderId: body.orderId }),
      async (held) => {
        const { db, trips } = counted(t.db);
        const late = charge(db, key, body);
        await someoneWaits();
        await held.commit();
        await assert.rejects(late, { code: 'PAY_CHARGE_VOIDED' });
        assert.deepEqual(trips, ['charge-make', 'charge-key-state']);
      },
    );
  });

  test('a void waits for a charge of its key in flight, then answers it', async () => {
    await whileChargeHeld(async ({ key, body, first, held, db, trips }) => {
      const settled = voidKey(db, key, body.orderId);
      await someoneWaits();
      await held.commit();
      const outcome = await settled;
      assert.equal(outcome.status, 'charged');
      assert.equal(outcome.status === 'charged' && outcome.charge.chargeId, first.chargeId);
      assert.deepEqual(trips, ['BEGIN', LOCK_CHARGES, 'charge-void', 'COMMIT']);
    });
  });

  test('a void waits for another void of its key, then answers voided: a second statement', async () => {
    const key = randomUUID();
    const orderId = `order-${randomUUID()}`;
    await whileClaimHeld(
      (tx) => claimKeyForVoid(tx, { clientId: CLIENT, idempotencyKey: key, orderId }),
      async (held) => {
        const { db, trips } = counted(t.db);
        const settled = voidKey(db, key, orderId);
        await someoneWaits();
        await held.commit();
        assert.deepEqual(await settled, { status: 'voided' });
        assert.deepEqual(trips, ['BEGIN', LOCK_CHARGES, 'charge-void', 'charge-key-state', 'COMMIT']);
      },
    );
  });

  test('a charge queued behind a lock on the charges table is booked before a void that comes after it', async () => {
    const key = randomUUID();
    const body = request();
    // The charge waits for its lock before its statement runs, so it has claimed nothing yet.
    await whileClaimHeld(
      (tx) => tx.query('LOCK TABLE charges IN EXCLUSIVE MODE'),
      async (held) => {
        const charging = charge(t.db, key, body);
        await someoneWaits(1);
        const settled = voidKey(t.db, key, body.orderId);
        await someoneWaits(2);
        await held.commit();
        const made = await charging;
        assert.equal(made.created, true);
        assert.deepEqual(await settled, { status: 'charged', charge: made.charge });
      },
    );
  });

  test('a claim rolled back leaves the key to the statement that waited: it makes the charge', async () => {
    await whileChargeHeld(async ({ key, body, held, db, trips }) => {
      const next = charge(db, key, body);
      await someoneWaits();
      await held.rollback();
      assert.equal((await next).created, true);
      assert.deepEqual(trips, ['charge-make']);
    });
  });
});
