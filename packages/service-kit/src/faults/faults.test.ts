import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { createApp } from '../app.ts';
import type { Database } from '../db/index.ts';
import { captureLogs, createTestDatabase, type TestDatabase } from '../testing/index.ts';
import { createFaultSwitch, faultRoutes, injectDelay, type FaultSwitch } from './index.ts';

type Mode = 'slow' | 'down';
const MODES: readonly Mode[] = ['slow', 'down'];
/** Stands in for @mockmart/auth's guard: an opaque object the test's onRequest hook enforces. */
const GUARD = { kind: 'test-guard', header: 'x-may-flip' };

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
  await createFaultSwitch({ db: database.db, enabled: true, modes: MODES }).install();
});
after(async () => {
  await database.drop();
});

/** An app with the fault routes and a stand-in auth hook enforcing whatever guard a route carries. */
async function appWith(faults: FaultSwitch<Mode>) {
  const app = await createApp({ name: 'faults-test', logger: captureLogs('faults-test').logger });
  app.addHook('onRequest', async (request, reply) => {
    const guard = request.routeOptions.config?.auth as unknown as typeof GUARD | undefined;
    if (guard && request.headers[guard.header] !== 'yes') return reply.code(403).send({ refused: true });
  });
  const actor = (request: FastifyRequest) => String(request.headers['x-caller'] ?? 'unknown');
  await app.register(faultRoutes, { faults, guard: GUARD, actor });
  await app.ready();
  return app;
}

const allowed = { 'x-may-flip': 'yes', 'x-caller': 'shop-api' };

/** The database, counting statements (and answers); while `gate` is set, answers wait for it. */
function countingStatements(db: Database) {
  const counted = {
    statements: 0,
    answered: 0,
    gate: undefined as Promise<void> | undefined,
    db: {
      ...db,
      query: async (...args: Parameters<Database['query']>) => {
        counted.statements++;
        const result = await db.query(...args);
        counted.answered++;
        await counted.gate;
        return result;
      },
    } as Database,
  };
  return counted;
}

describe('fault switch', { timeout: 30_000 }, () => {
  beforeEach(async () => {
    await createFaultSwitch({ db: database.db, enabled: true, modes: MODES }).set({ mode: 'none' }, 'reset');
  });

  test('PUT sets the mode for everyone, records who, and GET reads it back', async () => {
    const app = await appWith(createFaultSwitch({ db: database.db, enabled: true, modes: MODES }));
    const set = await app.inject({
      method: 'PUT',
      url: '/api/faults',
      headers: allowed,
      payload: { mode: 'slow', delayMs: 10, remaining: 2 },
    });
    assert.equal(set.statusCode, 200);
    assert.deepEqual(
      { ...set.json<Record<string, unknown>>(), updatedAt: 'x' },
      {
        mode: 'slow',
        delayMs: 10,
        remaining: 2,
        userIds: null,
        includeReads: false,
        updatedBy: 'shop-api',
        updatedAt: 'x',
      },
    );
    // A second replica (another switch over the same database) sees the same state.
    const replica = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    assert.equal((await replica.read()).mode, 'slow');
    assert.equal((await app.inject({ url: '/api/faults', headers: allowed })).json().mode, 'slow');
    await app.close();
  });

  test('the routes carry the guard: without it the caller is refused and nothing changes', async () => {
    const faults = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    const app = await appWith(faults);
    const res = await app.inject({ method: 'PUT', url: '/api/faults', payload: { mode: 'down' } });
    assert.equal(res.statusCode, 403);
    assert.equal((await app.inject({ url: '/api/faults' })).statusCode, 403);
    assert.equal((await faults.read()).mode, 'none');
    await app.close();
  });

  test('a mode the service does not list, a too long delay or an unknown field is 400 and changes nothing', async () => {
    const faults = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    const app = await appWith(faults);
    for (const payload of [
      { mode: 'decline' },
      { mode: 'slow', delayMs: 999_999 },
      { mode: 'slow', remaining: 0 },
      { mode: 'slow', extra: 1 },
      { mode: 'slow', userIds: [] },
      { mode: 'slow', userIds: ['a b'] },
      { mode: 'slow', userIds: Array.from({ length: 21 }, (_, i) => `u${i}`) },
      { mode: 'slow', includeReads: 'yes' },
    ]) {
      const res = await app.inject({ method: 'PUT', url: '/api/faults', headers: allowed, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().code, 'KIT_VALIDATION_FAILED');
    }
    assert.equal((await faults.read()).mode, 'none');
    await app.close();
  });

  test('concurrent takes never apply more than `remaining`, then the switch reads as off', async () => {
    const faults = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    await faults.set({ mode: 'down', remaining: 3 }, 'test');
    const taken = await Promise.all(Array.from({ length: 12 }, () => faults.take(['down'])));
    assert.equal(taken.filter(Boolean).length, 3);
    assert.equal(await faults.take(['slow']), null);
    assert.deepEqual(
      { ...(await faults.read()), updatedAt: 'x' },
      {
        mode: 'none',
        delayMs: null,
        remaining: null,
        userIds: null,
        includeReads: false,
        updatedBy: 'test',
        updatedAt: 'x',
      },
    );
  });

  test('a fault aimed at users applies to their calls only; the others, and calls without a user, spend nothing', async () => {
    const faults = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    await faults.set({ mode: 'slow', delayMs: 7, remaining: 2, userIds: ['luigi', 'peach'] }, 'test');
    assert.equal(await faults.take(['slow'], { userId: 'mario' }), null);
    assert.equal(await faults.take(['slow']), null, 'a call for no user');
    assert.deepEqual(await faults.take(['slow'], { userId: 'luigi' }), { mode: 'slow', delayMs: 7 });
    assert.equal((await faults.read()).remaining, 1, "mario's calls spent nothing");
    assert.deepEqual((await faults.read()).userIds, ['luigi', 'peach']);
    assert.deepEqual(await faults.take(['slow'], { userId: 'peach' }), { mode: 'slow', delayMs: 7 });
    assert.equal(await faults.take(['slow'], { userId: 'luigi' }), null, 'the next two calls were taken');
  });

  test('reads (catalog lookups) neither take a fault nor spend "the next N calls", unless it includes reads', async () => {
    const faults = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    await faults.set({ mode: 'down', remaining: 1 }, 'test');
    for (let i = 0; i < 5; i++) assert.equal(await faults.take(['down'], { read: true }), null);
    assert.ok(await faults.take(['down']), 'the order call still gets it');
    await faults.set({ mode: 'down', remaining: 1, includeReads: true }, 'test');
    assert.ok(await faults.take(['down'], { read: true }));
    assert.equal((await faults.read()).mode, 'none');
  });

  test('take only answers for the modes asked for', async () => {
    const faults = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    await faults.set({ mode: 'slow', delayMs: 5 }, 'test');
    assert.equal(await faults.take(['down']), null);
    assert.deepEqual(await faults.take(['down', 'slow']), { mode: 'slow', delayMs: 5 });
  });

  test('while it is off a take costs no statement; set elsewhere it applies within refreshMs, set here at once', async () => {
    const counted = countingStatements(database.db);
    let clock = 0;
    const options = { enabled: true, modes: MODES, refreshMs: 1000, now: () => clock };
    const here = createFaultSwitch({ ...options, db: counted.db });
    const elsewhere = createFaultSwitch({ ...options, db: database.db });
    assert.equal(await here.take(['down']), null);
    for (let i = 0; i < 5; i++) assert.equal(await here.take(['down', 'slow']), null);
    assert.equal(counted.statements, 1, 'one read of the switch, then nothing');

    await elsewhere.set({ mode: 'down' }, 'test');
    assert.equal(await here.take(['down']), null, 'not yet: the switch read here is still trusted');
    clock += 1000;
    assert.ok(await here.take(['down']), 'read again after refreshMs');
    assert.equal(counted.statements, 3, 'the read and the conditional UPDATE');
    assert.equal(await here.take(['slow']), null, 'another mode on costs nothing either');
    assert.equal(counted.statements, 3);

    await here.set({ mode: 'none' }, 'test');
    const afterSet = counted.statements;
    assert.equal(await here.take(['down']), null, 'off at once');
    assert.equal(counted.statements, afterSet, 'known from the set: nothing read or updated');
    await here.set({ mode: 'slow', delayMs: 3 }, 'test');
    assert.deepEqual(await here.take(['slow']), { mode: 'slow', delayMs: 3 }, 'on at once');
  });

  test('mayTake answers from what take trusts, for the modes asked for, and spends nothing', async () => {
    const counted = countingStatements(database.db);
    let clock = 0;
    const options = { enabled: true, modes: MODES, refreshMs: 1000, now: () => clock };
    const here = createFaultSwitch({ ...options, db: counted.db });
    await here.set({ mode: 'none' }, 'test');
    const afterSet = counted.statements;
    assert.equal(await here.mayTake(['down', 'slow']), false);
    assert.equal(counted.statements, afterSet, 'off, known from the set: no statement');
    await createFaultSwitch({ ...options, db: database.db }).set({ mode: 'down', remaining: 1 }, 'test');
    assert.equal(await here.mayTake(['down']), false, 'still trusted within refreshMs, as take does');
    clock += 1000;
    assert.equal(await here.mayTake(['slow']), false, 'read again: on, in another mode');
    assert.equal(await here.mayTake(['down']), true);
    assert.ok(await here.take(['down']), 'the one application was not spent by asking');
    const off = createFaultSwitch({ db: database.db, enabled: false, modes: MODES });
    assert.equal(await off.mayTake(['down']), false, 'disabled (production): never');
  });

  test('a read of the switch that began before a set here does not undo it', async () => {
    const counted = countingStatements(database.db);
    const here = createFaultSwitch({ db: counted.db, enabled: true, modes: MODES, now: () => 0 });
    let open!: () => void;
    counted.gate = new Promise((resolve) => (open = resolve));
    const early = here.take(['down']); // reads the switch as off; its answer is held
    while (counted.answered < 1) await new Promise((resolve) => setImmediate(resolve));
    counted.gate = undefined;
    await here.set({ mode: 'down' }, 'test');
    open();
    assert.equal(await early, null, 'asked before the set');
    assert.ok(await here.take(['down']), 'the set is what this switch knows');
  });

  test('disabled (production): no routes, and a switched-on row is never read', async () => {
    await createFaultSwitch({ db: database.db, enabled: true, modes: MODES }).set({ mode: 'down' }, 'test');
    const faults = createFaultSwitch({ db: database.db, enabled: false, modes: MODES });
    const app = await appWith(faults);
    assert.equal((await app.inject({ url: '/api/faults', headers: allowed })).statusCode, 404);
    const put = await app.inject({
      method: 'PUT',
      url: '/api/faults',
      headers: allowed,
      payload: { mode: 'none' },
    });
    assert.equal(put.statusCode, 404);
    assert.equal(await faults.take(['down']), null);
    await app.close();
  });

  test('refuses a missing guard and bad mode lists at start-up', async () => {
    const faults = createFaultSwitch({ db: database.db, enabled: true, modes: MODES });
    const app = await createApp({ name: 'faults-test', logger: captureLogs('faults-test').logger });
    const actor = () => 'x';
    await assert.rejects(async () => {
      await app.register(faultRoutes, { faults, guard: undefined as unknown as object, actor });
      await app.ready();
    }, /never public/);
    await app.close();
    for (const modes of [[], ['none'], ['Bad Mode']]) {
      assert.throws(() => createFaultSwitch({ db: database.db, enabled: true, modes }), TypeError);
    }
  });
});

describe('the fault switch table', { timeout: 30_000 }, () => {
  const tableExists = async (db: TestDatabase['db']) =>
    (await db.query("SELECT to_regclass('fault_switch') AS name")).rows[0]?.name !== null;

  test('ships with the switch: installing it again keeps the switch as it is set', async () => {
    const fresh = await createTestDatabase();
    try {
      const faults = createFaultSwitch({ db: fresh.db, enabled: true, modes: MODES });
      await faults.install();
      await faults.set({ mode: 'down', remaining: 3, userIds: ['u1'] }, 'tester');
      await Promise.all([faults.install(), faults.install()]);
      const state = await faults.read();
      assert.deepEqual([state.mode, state.remaining, state.userIds], ['down', 3, ['u1']]);
    } finally {
      await fresh.drop();
    }
  });

  test("a database whose service migration made the table before keeps its row and gains today's columns", async () => {
    const old = await createTestDatabase();
    try {
      // The table as the services' 001 migrations created it, switched on.
      await old.db.query(`CREATE TABLE fault_switch (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        mode text NOT NULL DEFAULT 'none',
        delay_ms integer CHECK (delay_ms BETWEEN 0 AND 60000),
        remaining integer CHECK (remaining >= 0),
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now())`);
      await old.db.query("INSERT INTO fault_switch (mode, remaining) VALUES ('slow', 2)");
      const faults = createFaultSwitch({ db: old.db, enabled: true, modes: MODES });
      await faults.install();
      const state = await faults.read();
      assert.deepEqual(
        [state.mode, state.remaining, state.userIds, state.includeReads],
        ['slow', 2, null, false],
      );
      assert.equal((await old.db.query('SELECT count(*)::int AS n FROM fault_switch')).rows[0]?.n, 1);
    } finally {
      await old.drop();
    }
  });

  test('a disabled switch (production) creates no table', async () => {
    const production = await createTestDatabase();
    try {
      await createFaultSwitch({ db: production.db, enabled: false, modes: MODES }).install();
      assert.equal(await tableExists(production.db), false);
    } finally {
      await production.drop();
    }
  });
});

describe('injectDelay', { timeout: 5_000 }, () => {
  test('is bounded by maxMs and ends early when the caller goes away', async () => {
    let started = performance.now();
    await injectDelay(10_000, 20);
    assert.ok(performance.now() - started < 1_000);
    const controller = new AbortController();
    started = performance.now();
    const waiting = injectDelay(10_000, 10_000, controller.signal);
    controller.abort();
    await waiting;
    assert.ok(performance.now() - started < 1_000);
  });
});
