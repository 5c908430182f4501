/**
 * Version checks of concurrent readers asked together (version-checks.ts), on a real database:
 * one statement for those who arrived together, each user's own answer, and never an answer from
 * a statement sent before the check was asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDRESS, bearer, startHarness, type Harness } from '../testing/harness.ts';
import { orderHistoryVersions } from './order-history.ts';
import { batchedVersionChecks } from './version-checks.ts';
import type { Queryable, QueryOptions } from '../lib/db.ts';

/**
 * The database, recording each statement's users and counting its answers; `gate`, when set, holds
 * answers until opened; `hangNext` makes the next statement never answer.
 */
function recorded(db: Queryable) {
  const record = {
    statements: [] as string[][],
    answered: 0,
    gate: undefined as Promise<void> | undefined,
    failNext: false,
    hangNext: false,
    db: {
      async query(sql: string, params?: unknown[], options?: QueryOptions) {
        record.statements.push([...(params?.[0] as string[])]);
        if (record.failNext) {
          record.failNext = false;
          throw new Error('connection lost');
        }
        if (record.hangNext) {
          record.hangNext = false;
          return new Promise(() => {});
        }
        const result = await db.query(sql, params, options);
        record.answered++;
        await record.gate;
        return result;
      },
    } as Queryable,
  };
  return record;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('version checks asked together', { timeout: 60_000 }, () => {
  let h: Harness;
  const users: string[] = [];
  before(async () => {
    h = await startHarness();
    h.inventory.stock.set(2, { onHand: 100, reserved: 0 });
    for (const name of ['mario', 'luigi']) {
      const token = await h.userToken(name);
      users.push(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub);
      const added = await h.app.inject({
        method: 'POST',
        url: '/api/cart',
        headers: bearer(token),
        payload: { productId: 2, quantity: 1 },
      });
      assert.equal(added.statusCode, 200);
      const placed = await h.app.inject({
        method: 'POST',
        url: '/api/checkout',
        headers: bearer(token),
        payload: { shippingAddress: ADDRESS, paymentMethod: 'credit-card' },
      });
      assert.equal(placed.statusCode, 201, placed.body);
    }
  });
  after(async () => h?.close());

  test('checks arriving while one is in flight share the next statement, each user its own answer', async () => {
    const [mario, luigi] = users as [string, string];
    const expected = await orderHistoryVersions(h.db, [mario, luigi, 'nobody']);
    assert.notEqual(expected.get(mario), expected.get(luigi));
    assert.equal(expected.get('nobody'), '', 'a user without orders');

    const record = recorded(h.db);
    const check = batchedVersionChecks(record.db);
    const answers = await Promise.all([
      check(mario),
      check(luigi),
      check(mario),
      check('nobody'),
      check(luigi),
    ]);
    assert.deepEqual(
      answers,
      [mario, luigi, mario, 'nobody', luigi].map((user) => expected.get(user)),
    );
    // The second check of mario's is not answered by the statement already in flight: it goes in the next.
    assert.deepEqual(
      record.statements,
      [[mario], [luigi, mario, 'nobody']],
      'the first at once, the others together',
    );
  });

  test('at most 256 users in one statement: the others go in the next', async () => {
    const record = recorded(h.db);
    const check = batchedVersionChecks(record.db);
    const many = Array.from({ length: 300 }, (_, i) => `user-${i}`);
    assert.deepEqual(
      await Promise.all(many.map(check)),
      many.map(() => ''),
    );
    assert.deepEqual(
      record.statements.map((users) => users.length),
      [1, 256, 43],
    );
  });

  test('a check asked while a statement is in flight sees what committed before it was asked', async () => {
    const mario = users[0]!;
    const record = recorded(h.db);
    const check = batchedVersionChecks(record.db);
    let open!: () => void;
    record.gate = new Promise((resolve) => (open = resolve));
    const early = check(mario);
    while (record.answered < 1) await turn();
    // The early statement has read (its answer is held); a change commits, then a reader arrives.
    await h.db.query("UPDATE orders SET status_detail = 'changed' WHERE user_id = $1", [mario]);
    const late = check(mario);
    await turn();
    assert.equal(record.statements.length, 1, 'the late check waits for the statement in flight');
    record.gate = undefined;
    open();
    const [before, now] = await Promise.all([early, late]);
    assert.notEqual(
      now,
      before,
      'the late check was answered by a statement of its own, sent after the change',
    );
    assert.equal(now, (await orderHistoryVersions(h.db, [mario])).get(mario));
  });

  test('a statement that does not answer in time fails its own checks (503); the next one is sent', async () => {
    const luigi = users[1]!;
    const record = recorded(h.db);
    const check = batchedVersionChecks(record.db, { timeoutMs: 50 });
    record.hangNext = true;
    const hung = check(luigi);
    const next = check(luigi);
    await assert.rejects(hung, (error: Error & { status?: number }) => error.status === 503);
    assert.equal(await next, (await orderHistoryVersions(h.db, [luigi])).get(luigi));
    assert.equal(record.statements.length, 2);
  });

  test('a failed statement fails its own checks, not those waiting for the next one', async () => {
    const [mario, luigi] = users as [string, string];
    const record = recorded(h.db);
    const check = batchedVersionChecks(record.db);
    record.failNext = true;
    const failed = check(mario);
    const next = check(luigi);
    await assert.rejects(failed, /connection lost/);
    assert.equal(await next, (await orderHistoryVersions(h.db, [luigi])).get(luigi));
    assert.equal(
      await check(mario),
      (await orderHistoryVersions(h.db, [mario])).get(mario),
      'and it recovers',
    );
  });
});
