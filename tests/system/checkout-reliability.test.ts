/**
 * The checkout's reliability proved against the whole system as real processes — on the embedded
 * idp and on real Keycloak — inventory, payment, notification, shop-api and gateway, real HTTP on loopback,
 * one throwaway PostgreSQL database per service. End state is read from the services' APIs and
 * directly from their databases: orders (shop-api), stock and reservations (inventory), charges
 * (payment), mails (notification).
 *
 * Timers are shortened only where a scenario waits on them (outbox poll; recovery for the restarted
 * shop-api); downstream timeouts are raised because this suite runs on small, busy CI machines and
 * asserts correctness, not latency.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeJwt } from 'jose';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { openServiceDatabases, postgresReachable, rows, type ServiceDatabases } from './support/databases.ts';
import { mapLimit } from './support/limit.ts';
import { eventually } from './support/poll.ts';
import { logTail, shopClient, type ShopClient } from './support/shop-client.ts';
import { makeShoppers, tokensFor, writeShoppersRealm } from './support/shoppers.ts';
import { describeOnEachIdentity } from '../support/identity-providers.ts';
import { tokenRequests, type TokenRequestCounter } from '../support/token-requests.ts';
import type { OrderView, Problem } from './support/views.ts';

const ADMIN = { username: 'admin', password: 'admin123' };
/** Catalogue products (seeded in shop-api and inventory), one per scenario so stock figures stay apart. */
const PRODUCT = { sale: 7, decline: 4, mail: 9, idempotency: 10, crash: 2 };
const SALE_STOCK = 50;
const SALE_SHOPPERS = 200;
const IN_FLIGHT = ['pending', 'reserved', 'paid'];

const pgUp = await postgresReachable();

/** shop-api's checkout settings for the live checkouts of this file: a slow, busy machine. */
const LIVE_CHECKOUT = { DOWNSTREAM_TIMEOUT_MS: '20000', CHECKOUT_DEADLINE_MS: '60000' };
/**
 * shop-api restarted after a crash: recovery acts within seconds. shop-api refuses a threshold not
 * above CHECKOUT_DEADLINE_MS + DOWNSTREAM_TIMEOUT_MS (recovery could take over a live checkout), so
 * the checkout bounds shrink with it; no live checkout under test runs with these.
 */
const FAST_RECOVERY = {
  RECOVERY_INTERVAL_MS: '300',
  RECOVERY_STUCK_AFTER_MS: '4000',
  CHECKOUT_DEADLINE_MS: '1000',
  DOWNSTREAM_TIMEOUT_MS: '2000',
};

describeOnEachIdentity(
  'checkout reliability (real processes, HTTP and PostgreSQL)',
  { skip: pgUp ? false : 'needs PostgreSQL on 127.0.0.1:5432', timeout: 1_200_000 },
  (provider) => {
    const saleShoppers = makeShoppers(SALE_SHOPPERS);
    const others = makeShoppers(9, 'shopper', 201);
    const [decliner, mail1, mail2, mail3, samekey, retrier, crasher, doubter, twin] = others;
    let dir: string;
    let system: TestSystem;
    let shop: ShopClient;
    let dbs: ServiceDatabases;
    let tokenCounter: TokenRequestCounter;

    before(
      async () => {
        dir = await mkdtemp(join(tmpdir(), 'mockmart-reliability-'));
        const realmFile = await writeShoppersRealm(dir, [...saleShoppers, ...others]);
        system = await startTestSystem({
          identity: provider.side,
          extraRealmFiles: [realmFile],
          extraEnv: {
            'shop-api': {
              OUTBOX_POLL_MS: '200',
              ...LIVE_CHECKOUT,
              // The flash sale's 200 concurrent checkouts queue for connections, on a machine busy
              // with other suites: correctness is under test here, not latency.
              DATABASE_POOL_SIZE: '6',
              DATABASE_CONNECT_TIMEOUT_MS: '60000',
            },
            inventory: { DATABASE_POOL_SIZE: '5', DATABASE_CONNECT_TIMEOUT_MS: '60000' },
            payment: { DATABASE_POOL_SIZE: '5', DATABASE_CONNECT_TIMEOUT_MS: '60000' },
            notification: { DATABASE_CONNECT_TIMEOUT_MS: '60000' },
          },
        });
        shop = shopClient(system);
        tokenCounter = tokenRequests(system);
        dbs = openServiceDatabases(system);
      },
      { timeout: 240_000 },
    );

    after(
      async () => {
        await dbs?.close();
        await system?.stop();
        if (dir) await rm(dir, { recursive: true, force: true });
      },
      { timeout: 60_000 },
    );

    /** A failing test's message ends with shop-api's last log lines, so CI failures explain themselves. */
    const withLogs = (body: (t: TestContext) => Promise<void>) => async (t: TestContext) => {
      try {
        await body(t);
      } catch (error) {
        if (error instanceof Error && system) error.message += logTail(system);
        throw error;
      }
    };

    const adminToken = () => system.userToken(ADMIN.username, ADMIN.password);
    const ordersOf = (userId: string) =>
      rows<{
        id: number;
        status: string;
        status_reason: string | null;
        compensation_pending: boolean;
        charge_id: string | null;
      }>(
        dbs.shop,
        'SELECT id, status, status_reason, compensation_pending, charge_id FROM orders WHERE user_id = $1 ORDER BY id',
        [userId],
      );
    const chargesOf = (orderIds: number[]) =>
      rows<{ charge_id: string; order_id: string; status: string; amount: string; refunded_amount: string }>(
        dbs.payment,
        'SELECT charge_id, order_id, status, amount::text, refunded_amount::text FROM charges WHERE order_id = ANY($1::text[])',
        [orderIds.map(String)],
      );
    const reservationOf = async (orderId: number) =>
      (
        await rows<{ status: string }>(dbs.inventory, 'SELECT status FROM reservations WHERE order_id = $1', [
          String(orderId),
        ])
      )[0]?.status;

    test(
      `flash sale: ${SALE_SHOPPERS} concurrent checkouts for ${SALE_STOCK} units → ${SALE_STOCK} orders and charges, the rest refused cleanly, stock 0, one token request per scope`,
      { timeout: 600_000 },
      withLogs(async (t) => {
        const admin = await adminToken();
        await shop.admin.setStock(admin, PRODUCT.sale, SALE_STOCK);
        const tokens = await tokensFor(system, saleShoppers, 8);
        await mapLimit(saleShoppers, 8, (s) => shop.addToCart(tokens.get(s.username)!, PRODUCT.sale, 1));

        // A fresh shop-api has no service token cached: the sale itself must fetch them, once per scope.
        await system.system.part('shop-api').restart();
        await tokenCounter.reset();

        const started = performance.now();
        const answers = await Promise.all(
          saleShoppers.map((s) =>
            shop.checkout(tokens.get(s.username)!, `sale-${s.username}-${randomUUID()}`),
          ),
        );
        const saleMs = Math.round(performance.now() - started);

        const byStatus = new Map<number, number>();
        for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
        const summary = JSON.stringify(Object.fromEntries(byStatus));
        const confirmed = answers
          .filter((a) => a.status === 201)
          .map((a) => (a.body as { order: OrderView }).order);
        const refused = answers.filter((a) => a.status === 409);
        assert.equal(confirmed.length, SALE_STOCK, `201 answers (by status: ${summary})`);
        assert.equal(refused.length, SALE_SHOPPERS - SALE_STOCK, `409 answers (by status: ${summary})`);
        for (const order of confirmed) assert.equal(order.status, 'confirmed');
        for (const answer of refused) {
          const problem = answer.body as Problem;
          assert.match(answer.contentType, /^application\/problem\+json/);
          assert.equal(problem.code, 'SHOP_OUT_OF_STOCK');
          assert.equal(typeof problem.orderId, 'number');
          assert.deepEqual(
            problem.unavailable?.map((u) => [u.productId, u.requested, u.available]),
            [[PRODUCT.sale, 1, 0]],
          );
        }
        // A refused shopper keeps the cart (it is given back with the failed order), e.g. to retry later.
        const refusedShoppers = saleShoppers.filter((_, i) => answers[i]!.status === 409).slice(0, 5);
        for (const s of refusedShoppers) {
          assert.deepEqual(
            (await shop.cart(tokens.get(s.username)!)).map((l) => [l.productId, l.quantity]),
            [[PRODUCT.sale, 1]],
            `cart of ${s.username}`,
          );
        }

        // Inventory: nothing left, nothing held, never below zero (the API and the table agree).
        const stock = await shop.admin.stock(admin, PRODUCT.sale);
        assert.deepEqual(
          { onHand: stock.onHand, reserved: stock.reserved, available: stock.available },
          {
            onHand: 0,
            reserved: 0,
            available: 0,
          },
        );
        const reservations = await rows<{ status: string; n: number }>(
          dbs.inventory,
          `SELECT r.status, count(*)::int AS n FROM reservations r JOIN reservation_items i USING (order_id)
            WHERE i.product_id = $1 GROUP BY r.status`,
          [PRODUCT.sale],
        );
        assert.deepEqual(Object.fromEntries(reservations.map((r) => [r.status, r.n])), {
          committed: SALE_STOCK,
        });

        // Orders: 50 confirmed (exactly the ones answered 201), the rest failed out_of_stock, none in flight.
        const orders = await rows<{ id: number; status: string; status_reason: string | null }>(
          dbs.shop,
          `SELECT o.id, o.status, o.status_reason FROM orders o JOIN order_items i ON i.order_id = o.id
            WHERE i.product_id = $1`,
          [PRODUCT.sale],
        );
        assert.equal(orders.length, SALE_SHOPPERS);
        const confirmedIds = orders.filter((o) => o.status === 'confirmed').map((o) => o.id);
        assert.deepEqual(
          confirmedIds.sort((a, b) => a - b),
          confirmed.map((o) => o.id).sort((a, b) => a - b),
        );
        const failed = orders.filter((o) => o.status === 'failed');
        assert.equal(failed.length, SALE_SHOPPERS - SALE_STOCK);
        assert.ok(failed.every((o) => o.status_reason === 'out_of_stock'));
        assert.deepEqual(
          failed.map((o) => o.id).sort((a, b) => a - b),
          refused.map((a) => (a.body as Problem).orderId).sort((a, b) => a! - b!),
        );

        // Payment: exactly one succeeded charge per confirmed order, none for a refused one.
        const charges = await chargesOf(orders.map((o) => o.id));
        assert.equal(charges.length, SALE_STOCK, 'a refused order was never charged');
        assert.ok(charges.every((c) => c.status === 'succeeded' && c.refunded_amount === '0'));
        assert.deepEqual(new Set(charges.map((c) => Number(c.order_id))), new Set(confirmedIds));

        // Every outcome mail is sent (through the outbox) before counting the token requests.
        await eventually(
          'the outbox to deliver every sale notification',
          async () => {
            const [o] = await rows<{ open: number; dead: number }>(
              dbs.shop,
              `SELECT count(*) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL)::int AS open,
                      count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead FROM outbox`,
            );
            assert.equal(o!.dead, 0, 'no notification parked as dead');
            return o!.open === 0 ? true : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 500 },
        );
        const [mails] = await rows<{ n: number; orders: number }>(
          dbs.notification,
          `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders FROM notifications
            WHERE type = 'order.confirmed' AND order_id = ANY($1::text[])`,
          [confirmedIds.map(String)],
        );
        assert.deepEqual(
          mails,
          { n: SALE_STOCK, orders: SALE_STOCK },
          'one confirmation mail per confirmed order',
        );

        // Problem 5: single-flight, cached service tokens — one client-credentials request per scope
        // (inventory-api, payment-api, notification-api) for 200 checkouts and 200 mails.
        const perScope = Object.fromEntries(
          await Promise.all(
            ['inventory-api', 'payment-api', 'notification-api'].map(
              async (scope) => [scope, await tokenCounter.count('shop-api', scope)] as const,
            ),
          ),
        );
        const requests = await tokenCounter.total('shop-api');
        assert.deepEqual(perScope, { 'inventory-api': 1, 'payment-api': 1, 'notification-api': 1 });
        assert.equal(requests, 3, 'no other client-credentials request of shop-api during the sale');

        t.diagnostic(
          `flash sale: ${SALE_SHOPPERS} checkouts in ${saleMs} ms (${summary}); shop-api client-credentials requests: ${requests} (${JSON.stringify(perScope)})`,
        );
      }),
    );

    test(
      'payment declined → 402 with the reason, order failed, stock restored, nothing charged, cart given back',
      { timeout: 120_000 },
      withLogs(async () => {
        const admin = await adminToken();
        const token = await system.userToken(decliner!.username, decliner!.password);
        const before = await shop.admin.stock(admin, PRODUCT.decline);
        await shop.addToCart(token, PRODUCT.decline, 2);

        const answer = await shop.checkout(token, `decline-${randomUUID()}`, 'test-decline');
        assert.equal(answer.status, 402, JSON.stringify(answer.body));
        assert.match(answer.contentType, /^application\/problem\+json/);
        const problem = answer.body as Problem;
        assert.equal(problem.code, 'SHOP_PAYMENT_DECLINED');
        assert.equal(problem.reason, 'card_declined');
        const order = (await shop.order(token, problem.orderId!)) as OrderView;
        assert.equal(order.status, 'failed');
        assert.equal(order.statusReason, 'payment_declined');
        assert.equal(order.statusDetail, 'card_declined');
        assert.equal(order.paymentTransactionId, null);

        assert.deepEqual(await shop.admin.stock(admin, PRODUCT.decline), before);
        assert.equal(await reservationOf(order.id), 'released');
        const charges = await chargesOf([order.id]);
        assert.deepEqual(
          charges.map((c) => c.status),
          ['declined'],
          'the decline is recorded, no charge succeeded',
        );
        assert.deepEqual(
          (await shop.cart(token)).map((l) => [l.productId, l.quantity]),
          [[PRODUCT.decline, 2]],
        );

        // The payment fault switch declines the next charge the same way (through shop-api's admin route).
        await shop.admin.setFault(admin, 'payment', { mode: 'decline', remaining: 1 });
        const faulted = await shop.checkout(token, `decline-${randomUUID()}`, 'credit-card');
        assert.equal(faulted.status, 402, JSON.stringify(faulted.body));
        assert.equal((faulted.body as Problem).reason, 'simulated_decline');
        const second = (await shop.order(token, (faulted.body as Problem).orderId!)) as OrderView;
        assert.equal(second.status, 'failed');
        assert.equal(second.statusReason, 'payment_declined');
        assert.deepEqual(await shop.admin.stock(admin, PRODUCT.decline), before);
        assert.equal(await reservationOf(second.id), 'released');
        assert.deepEqual(
          (await chargesOf([second.id])).map((c) => c.status),
          ['declined'],
        );
      }),
    );

    test(
      'notification down for a while → orders still confirm; after its restart each mail arrives exactly once',
      { timeout: 240_000 },
      withLogs(async (t) => {
        const admin = await adminToken();
        const notification = system.system.part('notification');
        const shoppers = [mail1!, mail2!, mail3!];
        const tokens = await Promise.all(shoppers.map((s) => system.userToken(s.username, s.password)));
        await notification.stop();
        let orderIds: number[];
        try {
          orderIds = [];
          for (const token of tokens) {
            await shop.addToCart(token, PRODUCT.mail, 1);
            const answer = await shop.checkout(token, `mail-${randomUUID()}`);
            assert.equal(answer.status, 201, JSON.stringify(answer.body));
            const order = (answer.body as { order: OrderView }).order;
            assert.equal(order.status, 'confirmed');
            orderIds.push(order.id);
          }
          const pending = await rows<{ delivered: boolean }>(
            dbs.shop,
            `SELECT delivered_at IS NOT NULL AS delivered FROM outbox WHERE order_id = ANY($1) AND type = 'order.confirmed'`,
            [orderIds],
          );
          assert.deepEqual(
            pending.map((p) => p.delivered),
            [false, false, false],
            'queued in the outbox, not delivered',
          );
        } finally {
          await notification.restart();
        }

        const started = performance.now();
        for (const orderId of orderIds) {
          await eventually(
            `the confirmation mail of order ${orderId}`,
            async () => ((await shop.admin.mailbox(admin, orderId)).length > 0 ? true : undefined),
            { timeoutMs: 120_000, intervalMs: 300 },
          );
        }
        const deliveredMs = Math.round(performance.now() - started);
        await eventually('the outbox to mark the mails delivered', async () => {
          const open = await rows(
            dbs.shop,
            'SELECT 1 FROM outbox WHERE order_id = ANY($1) AND delivered_at IS NULL',
            [orderIds],
          );
          return open.length === 0 ? true : undefined;
        });
        for (const orderId of orderIds) {
          const mails = await shop.admin.mailbox(admin, orderId);
          assert.equal(mails.length, 1, `order ${orderId}: ${JSON.stringify(mails)}`);
          assert.equal(mails[0]!.eventId, `order-${orderId}-confirmed`);
        }
        const [stored] = await rows<{ n: number }>(
          dbs.notification,
          'SELECT count(*)::int AS n FROM notifications WHERE order_id = ANY($1::text[])',
          [orderIds.map(String)],
        );
        assert.equal(stored!.n, 3);
        t.diagnostic(`mails arrived ${deliveredMs} ms after notification was ready again`);
      }),
    );

    test(
      'the same Idempotency-Key sent 10 times at once → one order, one charge, the same answer every time',
      { timeout: 180_000 },
      withLogs(async () => {
        const token = await system.userToken(samekey!.username, samekey!.password);
        const userId = decodeJwt(token).sub!;
        await shop.addToCart(token, PRODUCT.idempotency, 1);
        const key = `same-${randomUUID()}`;

        const answers = await Promise.all(Array.from({ length: 10 }, () => shop.checkout(token, key)));
        assert.deepEqual(
          answers.map((a) => a.status),
          Array(10).fill(201),
          JSON.stringify(answers.map((a) => a.body)),
        );
        const ids = new Set(answers.map((a) => (a.body as { order: OrderView }).order.id));
        assert.equal(ids.size, 1, `order ids: ${[...ids].join(', ')}`);
        assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length, 9);

        const orders = await ordersOf(userId);
        assert.deepEqual(
          orders.map((o) => [o.id, o.status]),
          [[[...ids][0]!, 'confirmed']],
        );
        const charges = await chargesOf([orders[0]!.id]);
        assert.deepEqual(
          charges.map((c) => c.status),
          ['succeeded'],
        );

        const later = await shop.checkout(token, key);
        assert.equal(later.status, 201);
        assert.equal(later.headers.get('idempotent-replayed'), 'true');
        assert.deepEqual(later.body, answers[0]!.body);

        // The same key with a different request is refused and changes nothing.
        const misuse = await shop.checkout(token, key, 'paypal');
        assert.equal(misuse.status, 422, JSON.stringify(misuse.body));
        assert.equal((misuse.body as Problem).code, 'SHOP_IDEMPOTENCY_MISMATCH');
        assert.equal((await ordersOf(userId)).length, 1);

        // Keys belong to their user: another shopper sending the same key gets an order of their own.
        const twinToken = await system.userToken(twin!.username, twin!.password);
        await shop.addToCart(twinToken, PRODUCT.idempotency, 1);
        const twinAnswer = await shop.checkout(twinToken, key);
        assert.equal(twinAnswer.status, 201, JSON.stringify(twinAnswer.body));
        assert.equal(twinAnswer.headers.get('idempotent-replayed'), null);
        const twinOrder = (twinAnswer.body as { order: OrderView }).order;
        assert.notEqual(twinOrder.id, orders[0]!.id);
        assert.equal(twinOrder.userId, decodeJwt(twinToken).sub);
      }),
    );

    test(
      'a client that timed out and retries with the same key gets the original result, not a second order',
      { timeout: 180_000 },
      withLogs(async () => {
        const admin = await adminToken();
        const token = await system.userToken(retrier!.username, retrier!.password);
        const userId = decodeJwt(token).sub!;
        await shop.addToCart(token, PRODUCT.idempotency, 1);
        const key = `retry-${randomUUID()}`;

        await shop.admin.setFault(admin, 'payment', { mode: 'slow', delayMs: 2500, remaining: 1 });
        try {
          await assert.rejects(
            shop.checkout(token, key, 'credit-card', AbortSignal.timeout(800)),
            (error: Error) => error.name === 'TimeoutError',
          );
          // The server got the first request (it is what made the client wait): its order exists.
          await eventually('the first request to have created its order', async () =>
            (await ordersOf(userId)).length > 0 ? true : undefined,
          );
          const retry = await shop.checkout(token, key);
          assert.equal(retry.status, 201, JSON.stringify(retry.body));
          assert.equal(retry.headers.get('idempotent-replayed'), 'true');
          const order = (retry.body as { order: OrderView }).order;

          const orders = await ordersOf(userId);
          assert.deepEqual(
            orders.map((o) => [o.id, o.status]),
            [[order.id, 'confirmed']],
          );
          assert.deepEqual(
            (await chargesOf([order.id])).map((c) => [c.status, c.charge_id]),
            [['succeeded', order.paymentTransactionId]],
          );
          const again = await shop.checkout(token, key);
          assert.deepEqual(again.body, retry.body);
        } finally {
          await shop.admin.setFault(admin, 'payment', { mode: 'none' });
        }
      }),
    );

    // Last: shop-api keeps the short recovery timers it is restarted with.
    test(
      'shop-api killed while the charge is in flight → after restart the order is confirmed or fully compensated',
      { timeout: 240_000 },
      withLogs(async (t) => {
        const admin = await adminToken();
        const token = await system.userToken(crasher!.username, crasher!.password);
        const userId = decodeJwt(token).sub!;
        const before = await shop.admin.stock(admin, PRODUCT.crash);
        await shop.addToCart(token, PRODUCT.crash, 1);
        const key = `crash-${randomUUID()}`;

        await shop.admin.setFault(admin, 'payment', { mode: 'slow', delayMs: 4000, remaining: 1 });
        const inFlight = shop.checkout(token, key).then(
          (answer) => ({ answer }),
          (error: unknown) => ({ error }),
        );
        // The charge call has taken the slow fault and the order waits in `reserved`: kill now.
        const order = await eventually(
          'the charge to be in flight',
          async () => {
            const [fault] = await rows<{ remaining: number | null }>(
              dbs.payment,
              'SELECT remaining FROM fault_switch',
            );
            const [o] = await ordersOf(userId);
            return fault?.remaining === 0 && o?.status === 'reserved' ? o : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 25 },
        );
        const shopApi = system.system.part('shop-api');
        shopApi.child.kill('SIGKILL');
        await shopApi.exited;
        const [atKill] = await ordersOf(userId);
        assert.equal(atKill!.status, 'reserved', 'killed while the charge was in flight');
        const outcome = await inFlight;
        assert.ok('error' in outcome, `the client saw the connection die, not ${JSON.stringify(outcome)}`);

        Object.assign(shopApi.spec.env, FAST_RECOVERY);
        const restarted = performance.now();
        await shopApi.restart();
        const settled = await eventually(
          `order ${order.id} to leave pending/reserved/paid`,
          async () => {
            const [o] = await ordersOf(userId);
            return o && !IN_FLIGHT.includes(o.status) && !o.compensation_pending ? o : undefined;
          },
          { timeoutMs: 90_000, intervalMs: 250 },
        );
        const settledMs = Math.round(performance.now() - restarted);

        const reservation = await reservationOf(order.id);
        const charges = await chargesOf([order.id]);
        const stock = await shop.admin.stock(admin, PRODUCT.crash);
        const facts = JSON.stringify({ settled, reservation, charges, before, stock });
        const replay = await shop.checkout(token, key);
        assert.equal(replay.headers.get('idempotent-replayed'), 'true', JSON.stringify(replay.body));
        if (settled.status === 'confirmed') {
          assert.equal(reservation, 'committed', facts);
          assert.deepEqual(
            charges.map((c) => [c.status, c.refunded_amount, c.charge_id]),
            [['succeeded', '0', settled.charge_id]],
            facts,
          );
          assert.equal(stock.onHand, before.onHand - 1, facts);
          assert.equal(stock.reserved, before.reserved, facts);
          assert.equal(replay.status, 201, JSON.stringify(replay.body));
          assert.equal((replay.body as { order: OrderView }).order.id, order.id);
        } else {
          assert.equal(settled.status, 'failed', facts);
          assert.ok(
            reservation === undefined || reservation === 'released' || reservation === 'expired',
            facts,
          );
          assert.ok(
            charges.every((c) => c.status === 'declined' || c.refunded_amount === c.amount),
            `every successful charge is refunded: ${facts}`,
          );
          assert.deepEqual(
            { onHand: stock.onHand, reserved: stock.reserved },
            { onHand: before.onHand, reserved: before.reserved },
            facts,
          );
          assert.equal(replay.status, 503, JSON.stringify(replay.body));
          assert.equal((replay.body as Problem).orderId, order.id);
        }
        t.diagnostic(
          `killed mid-charge; recovered to ${settled.status} ${settledMs} ms after the restart began`,
        );
      }),
    );

    test(
      'a charge still in doubt keeps the order in flight until payment settles it, then the order and the money agree',
      { timeout: 240_000 },
      withLogs(async (t) => {
        const admin = await adminToken();
        const token = await system.userToken(doubter!.username, doubter!.password);
        const userId = decodeJwt(token).sub!;
        const before = await shop.admin.stock(admin, PRODUCT.crash);
        await shop.addToCart(token, PRODUCT.crash, 1);
        const shopApi = system.system.part('shop-api');
        // shop-api may still run with the previous test's FAST_RECOVERY settings: give it back the
        // live checkout's, so this checkout waits on payment as a real one would.
        await shopApi.stop();
        Object.assign(shopApi.spec.env, LIVE_CHECKOUT);
        for (const name of Object.keys(FAST_RECOVERY))
          if (!(name in LIVE_CHECKOUT)) delete shopApi.spec.env[name];
        await shopApi.restart();

        // Payment receives the charge but cannot book it yet (its charges table is locked): the
        // outcome of the charge is unknown to everyone until the lock goes.
        const lock = await dbs.payment.connect();
        let locked = false;
        let order: Awaited<ReturnType<typeof ordersOf>>[number];
        let inDoubt = 0;
        try {
          await lock.query('BEGIN');
          await lock.query('LOCK TABLE charges IN EXCLUSIVE MODE');
          locked = true;
          const inFlight = shop.checkout(token, `doubt-${randomUUID()}`).catch((error: unknown) => error);
          order = await eventually(
            'the charge to wait in payment',
            async () => {
              const [o] = await ordersOf(userId);
              const [waiting] = await rows<{ n: number }>(
                dbs.payment,
                `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'charges'::regclass`,
              );
              return o?.status === 'reserved' && waiting!.n > 0 ? o : undefined;
            },
            { timeoutMs: 60_000, intervalMs: 50 },
          );
          shopApi.child.kill('SIGKILL');
          await shopApi.exited;
          await inFlight;
          Object.assign(shopApi.spec.env, FAST_RECOVERY);
          await shopApi.restart();
          // While the charge is in doubt recovery must not give the order up: it asks payment to
          // settle the charge's key, which waits behind the charge itself. Watch it stay in flight.
          const watchUntil = Date.now() + 4_000;
          while (Date.now() < watchUntil) {
            const [o] = await ordersOf(userId);
            assert.ok(
              o && IN_FLIGHT.includes(o.status),
              `order given up while its charge was in doubt: ${JSON.stringify(o)}`,
            );
            inDoubt++;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        } finally {
          if (locked) await lock.query('ROLLBACK');
          lock.release();
        }

        // The charge is booked now; the order and the money must end up agreeing.
        await eventually('the delayed charge to be booked', async () =>
          (await chargesOf([order.id])).length > 0 ? true : undefined,
        );
        let facts = '';
        await eventually(
          'the order and its charge to agree (confirmed with the charge, or failed with it refunded)',
          async () => {
            const [o] = await ordersOf(userId);
            const charges = await chargesOf([order.id]);
            const reservation = await reservationOf(order.id);
            const stock = await shop.admin.stock(admin, PRODUCT.crash);
            facts = JSON.stringify({ inDoubt, order: o, charges, reservation, before, stock });
            const agree =
              o!.status === 'confirmed'
                ? reservation === 'committed' &&
                  charges.some((c) => c.status === 'succeeded' && c.charge_id === o!.charge_id)
                : o!.status === 'failed' &&
                  !o!.compensation_pending &&
                  stock.onHand === before.onHand &&
                  charges.every((c) => c.status !== 'succeeded' || c.refunded_amount === c.amount);
            return agree ? true : undefined;
          },
          { timeoutMs: 15_000, intervalMs: 500 },
        ).catch((error: Error) => {
          error.message += `\n${facts}`;
          throw error;
        });
        const [settled] = await ordersOf(userId);
        t.diagnostic(
          `in-doubt charge: order stayed in flight for ${inDoubt} checks, then settled as ${settled!.status}`,
        );
      }),
    );
  },
);
