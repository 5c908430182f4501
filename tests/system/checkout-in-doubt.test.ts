/**
 * A commit whose answer is lost (issue 16), against the whole system as real processes: the idp,
 * inventory, payment, notification and shop-api on loopback, one throwaway PostgreSQL database per
 * service, shop-api with its default checkout timings (DOWNSTREAM_TIMEOUT_MS 3000,
 * CHECKOUT_DEADLINE_MS 10000) and recovery every second for orders stuck 15 s.
 *
 * - Scenario A: inventory answers 5 s late (above the 3 s downstream timeout) while an order
 *   commits. Before the fix shop-api took the timeout for "not committed", refunded the charge and
 *   failed the order while inventory had committed it: the stock was gone for a failed order.
 * - Scenario B: the same, and shop-api is SIGKILLed at the moment it writes the order's next state
 *   after its downstream calls (the test holds that order's row lock, waits for shop-api's write
 *   to queue behind it, then kills). Before the fix that moment came after the refund was booked,
 *   and recovery — reading the refunded charge as "succeeded" — confirmed an order without money.
 * - Scenario C (the refund path, after the fix): the hold expired before the commit, so the order
 *   fails and its charge is refunded; shop-api is SIGKILLed after the refund is booked and before
 *   `failed` is written. Its intent (`refunding`) was written before the refund: recovery finishes
 *   the failure and never confirms it.
 *
 * Each must end with one definitive outcome, read from the services' own databases: a confirmed
 * order keeps exactly one captured charge and its committed stock; a failed one keeps neither.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { openServiceDatabases, postgresReachable, rows, type ServiceDatabases } from './support/databases.ts';
import { eventually } from './support/poll.ts';
import { logTail, shopClient, type Answer, type ShopClient } from './support/shop-client.ts';
import type { OrderView, Problem } from './support/views.ts';

const ADMIN = { username: 'admin', password: 'admin123' };
const SHOPPERS = {
  a: { username: 'mario', password: 'mario123' },
  b: { username: 'luigi', password: 'luigi123' },
  // The admin may shop too (it holds can-checkout): a third shopper without a realm file of our own.
  c: ADMIN,
};
/** One product per scenario, each with the same on-hand figure to start from. */
const PRODUCT = { a: 3, b: 6, c: 8 };
const ON_HAND = 25;
const SLOW_INVENTORY_MS = 5000;
const FINAL = ['confirmed', 'failed', 'cancelled', 'refunded'];

const pgUp = await postgresReachable();

describe(
  'checkout with a commit in doubt (real processes, HTTP and PostgreSQL)',
  { skip: pgUp ? false : 'needs PostgreSQL on 127.0.0.1:5432', timeout: 300_000 },
  () => {
    let system: TestSystem;
    let shop: ShopClient;
    let dbs: ServiceDatabases;

    before(
      async () => {
        system = await startTestSystem({
          only: ['idp', 'inventory', 'payment', 'notification', 'shop-api'],
          extraEnv: {
            'shop-api': {
              RECOVERY_INTERVAL_MS: '1000',
              RECOVERY_STUCK_AFTER_MS: '15000',
              OUTBOX_POLL_MS: '200',
            },
          },
        });
        shop = shopClient(system);
        dbs = openServiceDatabases(system);
      },
      { timeout: 180_000 },
    );

    after(
      async () => {
        await dbs?.close();
        await system?.stop();
      },
      { timeout: 60_000 },
    );

    const withLogs = (body: (t: TestContext) => Promise<void>) => async (t: TestContext) => {
      try {
        await body(t);
      } catch (error) {
        if (error instanceof Error && system) error.message += logTail(system, 'shop-api', 60);
        throw error;
      }
    };

    const adminToken = () => system.userToken(ADMIN.username, ADMIN.password);
    const orderOf = async (userId: string) =>
      (
        await rows<{ id: number; status: string; status_reason: string | null; charge_id: string | null }>(
          dbs.shop,
          'SELECT id, status, status_reason, charge_id FROM orders WHERE user_id = $1 ORDER BY id DESC LIMIT 1',
          [userId],
        )
      )[0];

    /** Puts one unit in the cart and opens a window: the charge takes 1.5 s (the next payment call only). */
    async function prepare(shopper: { username: string; password: string }, productId: number) {
      const admin = await adminToken();
      await shop.admin.setStock(admin, productId, ON_HAND);
      const token = await system.userToken(shopper.username, shopper.password);
      const userId = decodeJwt(token).sub!;
      await shop.addToCart(token, productId, 1);
      await shop.admin.setFault(admin, 'payment', { mode: 'slow', delayMs: 1500, remaining: 1 });
      return { admin, token, userId };
    }

    /**
     * Waits until the charge is under way (the order is reserved, payment took its slow call), then
     * makes inventory answer 5 s late from now on: the commit that follows the charge times out.
     */
    async function slowInventoryBeforeCommit(admin: string, userId: string) {
      const order = await eventually(
        'the charge to be under way',
        async () => {
          const [fault] = await rows<{ remaining: number | null }>(
            dbs.payment,
            'SELECT remaining FROM fault_switch',
          );
          const o = await orderOf(userId);
          return fault?.remaining === 0 && o?.status === 'reserved' ? o : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 20 },
      );
      await shop.admin.setFault(admin, 'inventory', { mode: 'slow', delayMs: SLOW_INVENTORY_MS });
      return order;
    }

    /** Everything the four databases say about one order, once it is final and its mail is out. */
    async function settledFacts(orderId: number, productId: number) {
      const order = await eventually(
        `order ${orderId} to be final with its mail delivered`,
        async () => {
          const [o] = await rows<{ status: string; status_reason: string | null; charge_id: string | null }>(
            dbs.shop,
            'SELECT status, status_reason, charge_id FROM orders WHERE id = $1 AND NOT compensation_pending',
            [orderId],
          );
          const [open] = await rows<{ n: number }>(
            dbs.shop,
            'SELECT count(*)::int AS n FROM outbox WHERE order_id = $1 AND delivered_at IS NULL',
            [orderId],
          );
          return o && FINAL.includes(o.status) && open!.n === 0 ? o : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const history = await rows<{ status: string }>(
        dbs.shop,
        'SELECT status FROM order_status_history WHERE order_id = $1 ORDER BY id',
        [orderId],
      );
      const charges = await rows<{
        charge_id: string;
        status: string;
        amount: number;
        refunded_amount: number;
      }>(
        dbs.payment,
        'SELECT charge_id, status, amount::int, refunded_amount::int FROM charges WHERE order_id = $1',
        [String(orderId)],
      );
      const [reservation] = await rows<{ status: string }>(
        dbs.inventory,
        'SELECT status FROM reservations WHERE order_id = $1',
        [String(orderId)],
      );
      const [stock] = await rows<{ on_hand: number; reserved: number }>(
        dbs.inventory,
        'SELECT on_hand, reserved FROM stock WHERE product_id = $1',
        [productId],
      );
      const mails = await rows<{ event_id: string; type: string }>(
        dbs.notification,
        'SELECT event_id, type FROM notifications WHERE order_id = $1',
        [String(orderId)],
      );
      // The outcome stored for the key: the order as its checkout answered it.
      const [stored] = await rows<{ outcome: { id: number; status: string } | null }>(
        dbs.shop,
        'SELECT outcome FROM idempotency_keys WHERE order_id = $1',
        [orderId],
      );
      return {
        order,
        history: history.map((h) => h.status),
        charges,
        reservation: reservation?.status,
        stock,
        mails,
        stored,
      };
    }

    /**
     * The one definitive outcome. This scenario's customer paid and inventory is reachable again,
     * so the order is confirmed with its charge kept: one captured charge of the order's total,
     * the reservation committed, one unit gone, one confirmation mail, 201 stored and replayed.
     */
    async function assertConfirmedWithMoneyAndStock(
      orderId: number,
      productId: number,
      replay: () => Promise<Answer>,
    ) {
      const facts = await settledFacts(orderId, productId);
      const all = JSON.stringify(facts);
      assert.equal(facts.order.status, 'confirmed', all);
      assert.equal(facts.charges.length, 1, all);
      assert.deepEqual(
        facts.charges.map((c) => [c.status, c.refunded_amount, c.charge_id]),
        [['succeeded', 0, facts.order.charge_id]],
        `the order keeps its charge, not refunded: ${all}`,
      );
      assert.equal(facts.reservation, 'committed', all);
      assert.deepEqual(facts.stock, { on_hand: ON_HAND - 1, reserved: 0 }, all);
      assert.deepEqual(
        facts.mails.map((m) => m.event_id),
        [`order-${orderId}-confirmed`],
        `exactly one mail, the confirmation: ${all}`,
      );
      assert.equal(facts.stored?.outcome?.status, 'confirmed', all);
      assert.equal(facts.stored?.outcome?.id, orderId, all);
      const again = await replay();
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal((again.body as { order: OrderView }).order.id, orderId);
      return facts;
    }

    test(
      'Scenario A: inventory 5 s late while the order commits → the commit is asked about, not assumed; the paid order is confirmed with its charge and its stock',
      { timeout: 90_000 },
      withLogs(async (t) => {
        const { admin, token, userId } = await prepare(SHOPPERS.a, PRODUCT.a);
        const key = `in-doubt-a-${randomUUID()}`;
        const answer = shop.checkout(token, key);
        let first: Answer;
        let order: { id: number };
        try {
          order = await slowInventoryBeforeCommit(admin, userId);
          first = await answer;
        } finally {
          await shop.admin.setFault(admin, 'inventory', { mode: 'none' });
        }
        const facts = await assertConfirmedWithMoneyAndStock(order.id, PRODUCT.a, () =>
          shop.checkout(token, key),
        );
        // Whatever the live request answered, it named the order, 503 included.
        if (first.status !== 201) {
          const problem = first.body as Problem & { orderStatus?: string };
          assert.equal(first.status, 503, JSON.stringify(first.body));
          assert.equal(problem.orderId, order.id, JSON.stringify(first.body));
          assert.equal(typeof problem.orderStatus, 'string', JSON.stringify(first.body));
        }
        t.diagnostic(`live answer ${first.status}; history ${facts.history.join(' > ')}`);
      }),
    );

    test(
      'Scenario B: the same, and shop-api SIGKILLed when it writes the order after its downstream calls → after restart the order, its money and its stock agree',
      { timeout: 90_000 },
      withLogs(async (t) => {
        const { admin, token, userId } = await prepare(SHOPPERS.b, PRODUCT.b);
        const key = `in-doubt-b-${randomUUID()}`;
        const shopApi = system.system.part('shop-api');
        const inFlight = shop.checkout(token, key).then(
          (answer) => ({ answer }),
          (error: unknown) => ({ error }),
        );
        const locker = await dbs.shop.connect();
        let atKill: string;
        try {
          const order = await slowInventoryBeforeCommit(admin, userId);
          // Hold the order's row: shop-api's next write of this order queues behind the lock.
          await locker.query('BEGIN');
          await locker.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [order.id]);
          const [{ pid }] = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [
            { pid: number },
          ];
          await eventually(
            "shop-api's write of the order to wait behind the lock",
            async () => {
              const [waiting] = await rows<{ n: number }>(
                dbs.shop,
                'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
                [pid],
              );
              return waiting!.n > 0 ? true : undefined;
            },
            { timeoutMs: 60_000, intervalMs: 25 },
          );
          shopApi.child.kill('SIGKILL');
          await shopApi.exited;
          const refunds = await rows<{ n: number }>(
            dbs.payment,
            'SELECT count(*)::int AS n FROM refunds r JOIN charges c USING (charge_id) WHERE c.order_id = $1',
            [String(order.id)],
          );
          const [reservation] = await rows<{ status: string }>(
            dbs.inventory,
            'SELECT status FROM reservations WHERE order_id = $1',
            [String(order.id)],
          );
          atKill = `refunds booked ${refunds[0]!.n}, reservation ${reservation?.status}`;
        } finally {
          await locker.query('ROLLBACK').catch(() => {});
          locker.release();
          // A failure before the kill must not leave inventory slow for what follows.
          if (shopApi.child.exitCode === null && shopApi.child.signalCode === null)
            await shop.admin.setFault(admin, 'inventory', { mode: 'none' }).catch(() => {});
        }
        const outcome = await inFlight;
        assert.ok('error' in outcome, `the client saw the connection die, not ${JSON.stringify(outcome)}`);

        await shopApi.restart();
        // The fault is switched through shop-api, so only now: inventory answers in time again.
        await shop.admin.setFault(admin, 'inventory', { mode: 'none' });
        const order = (await orderOf(userId))!;
        const facts = await assertConfirmedWithMoneyAndStock(order.id, PRODUCT.b, () =>
          shop.checkout(token, key),
        );
        t.diagnostic(`at the kill: ${atKill}; history ${facts.history.join(' > ')}`);
      }),
    );

    test(
      'Scenario C: the hold expired, the charge is refunded, and shop-api is SIGKILLed before writing failed → recovery finishes the failure: money back, stock back, never confirmed',
      { timeout: 90_000 },
      withLogs(async (t) => {
        const { admin, token, userId } = await prepare(SHOPPERS.c, PRODUCT.c);
        // The charge and the refund each take 1.5 s: the refund is the window to catch.
        await shop.admin.setFault(admin, 'payment', { mode: 'slow', delayMs: 1500, remaining: 2 });
        const key = `in-doubt-c-${randomUUID()}`;
        const shopApi = system.system.part('shop-api');
        const inFlight = shop.checkout(token, key).then(
          (answer) => ({ answer }),
          (error: unknown) => ({ error }),
        );
        const locker = await dbs.shop.connect();
        let order: { id: number };
        try {
          order = await eventually(
            'the order to be reserved',
            async () => {
              const o = await orderOf(userId);
              return o?.status === 'reserved' ? o : undefined;
            },
            { timeoutMs: 20_000, intervalMs: 20 },
          );
          // While the charge is under way the hold runs out: the commit finds it expired.
          await dbs.inventory.query(
            "UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = $1",
            [String(order.id)],
          );
          await eventually(
            'the intent to refund to be written',
            async () => ((await orderOf(userId))?.status === 'refunding' ? true : undefined),
            { timeoutMs: 20_000, intervalMs: 10 },
          );
          // The refund is under way (1.5 s): hold the row so `failed` cannot be written, then kill
          // once the refund is booked and shop-api waits to write.
          await locker.query('BEGIN');
          await locker.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [order.id]);
          const [{ pid }] = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [
            { pid: number },
          ];
          await eventually(
            'the refund to be booked and shop-api to wait to write failed',
            async () => {
              const [refunds] = await rows<{ n: number }>(
                dbs.payment,
                'SELECT count(*)::int AS n FROM refunds r JOIN charges c USING (charge_id) WHERE c.order_id = $1',
                [String(order.id)],
              );
              const [waiting] = await rows<{ n: number }>(
                dbs.shop,
                'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
                [pid],
              );
              return refunds!.n > 0 && waiting!.n > 0 ? true : undefined;
            },
            { timeoutMs: 30_000, intervalMs: 25 },
          );
          shopApi.child.kill('SIGKILL');
          await shopApi.exited;
        } finally {
          await locker.query('ROLLBACK').catch(() => {});
          locker.release();
        }
        const outcome = await inFlight;
        assert.ok('error' in outcome, `the client saw the connection die, not ${JSON.stringify(outcome)}`);
        const [atKill] = await rows<{ status: string }>(dbs.shop, 'SELECT status FROM orders WHERE id = $1', [
          order.id,
        ]);
        assert.equal(atKill!.status, 'refunding', 'killed between the refund and the failed write');

        await shopApi.restart();
        const facts = await settledFacts(order.id, PRODUCT.c);
        const all = JSON.stringify(facts);
        assert.equal(facts.order.status, 'failed', all);
        assert.equal(facts.order.status_reason, 'reservation_expired', all);
        assert.deepEqual(
          facts.charges.map((c) => [c.status, c.refunded_amount === c.amount]),
          [['succeeded', true]],
          `the one charge is refunded in full, once: ${all}`,
        );
        assert.equal(facts.reservation, 'expired', all);
        assert.deepEqual(facts.stock, { on_hand: ON_HAND, reserved: 0 }, all);
        assert.deepEqual(
          facts.mails.map((m) => m.event_id),
          [`order-${order.id}-failed`],
          all,
        );
        assert.equal(facts.stored?.outcome?.status, 'failed', all);
        const replay = await shop.checkout(token, key);
        assert.equal(replay.status, 503, JSON.stringify(replay.body));
        const problem = replay.body as Problem & { orderStatus?: string };
        assert.equal(problem.orderId, order.id);
        assert.equal(problem.orderStatus, 'failed');
        assert.equal(problem.reason, 'reservation_expired');
        t.diagnostic(`history ${facts.history.join(' > ')}`);
      }),
    );
  },
);
