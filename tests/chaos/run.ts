/**
 * One chaos run, start to finish: plan from the seed, start MockMart as real processes (one
 * throwaway PostgreSQL database per service), set the stock, drive the shoppers while the fault
 * timeline runs, switch everything back on, wait (bounded) for recovery, ask every key once more,
 * then read the four services' databases and check the invariants.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { readDataset, readStock, type Dataset } from './dataset.ts';
import { endFaults, runFaults, type FaultContext, type TimelineEntry } from './faults.ts';
import { checkInvariants } from './invariants/check.ts';
import type { Violation } from './invariants/violation.ts';
import { planChaos, type ChaosPlan, type PlanOptions } from './plan.ts';
import { waitUntilSettled } from './settle.ts';
import { emptyCart, runTraffic, sendCheckout, type Shopper } from './traffic.ts';
import type { KeyObservation } from './answers.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { openServiceDatabases, type ServiceDatabases } from '../system/support/databases.ts';
import { mapLimit } from '../system/support/limit.ts';
import { shopClient, type ShopClient } from '../system/support/shop-client.ts';
import { makeShoppers, realmFilesWith, writeShoppersRealm } from '../system/support/shoppers.ts';

export interface ChaosOptions extends PlanOptions {
  /** Upper bound for recovery after the last fault. */
  settleTimeoutMs: number;
  /** Progress lines (system started, traffic done, …). */
  log?: (line: string) => void;
}

export interface ChaosResult {
  plan: ChaosPlan;
  timeline: TimelineEntry[];
  observations: KeyObservation[];
  initialStock: Map<number, number>;
  data: Dataset;
  violations: Violation[];
  settle: { settled: boolean; waitedMs: number };
  trafficMs: number;
  /** Log lines of the parts that mention one of these orders (for a violation's diagnosis). */
  logsAbout(orderIds: readonly string[], limit?: number): string[];
}

/**
 * shop-api as the reproduction ran it: recovery looks every second and takes over an
 * order after 15 s (above CHECKOUT_DEADLINE_MS + DOWNSTREAM_TIMEOUT_MS, 10 s + 3 s by default);
 * the checkout's own timeouts stay at their defaults. The outbox polls often so mails settle soon.
 */
const SHOP_API_ENV = {
  RECOVERY_INTERVAL_MS: '1000',
  RECOVERY_STUCK_AFTER_MS: '15000',
  OUTBOX_POLL_MS: '200',
  // ≈20 shoppers at once on a 2-core machine: checkouts queue for connections rather than fail.
  DATABASE_POOL_SIZE: '6',
  DATABASE_CONNECT_TIMEOUT_MS: '30000',
};
const QUEUE_FOR_CONNECTIONS = { DATABASE_POOL_SIZE: '4', DATABASE_CONNECT_TIMEOUT_MS: '30000' };

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => {});
  const plan = planChaos(options);
  const dir = await mkdtemp(join(tmpdir(), 'mockmart-chaos-'));
  let system: TestSystem | undefined;
  let dbs: ServiceDatabases | undefined;
  try {
    const accounts = makeShoppers(plan.shoppers, 'chaos');
    const extraEnv = {
      idp: { IDP_REALM_FILES: realmFilesWith(await writeShoppersRealm(dir, accounts)) },
      'shop-api': SHOP_API_ENV,
      inventory: QUEUE_FOR_CONNECTIONS,
      payment: QUEUE_FOR_CONNECTIONS,
      notification: QUEUE_FOR_CONNECTIONS,
    };
    // A start that times out on a busy machine is tried once more (a fresh system: nothing ran yet).
    system = await startTestSystem({ extraEnv }).catch((error: Error) => {
      log(`system did not start (${error.message.split('\n')[0]}); trying once more`);
      return startTestSystem({ extraEnv });
    });
    log('system started');
    const running = system;
    const shop = shopClient(running);
    dbs = openServiceDatabases(running);
    const adminToken = tokenBook(() => running.userToken('admin', 'admin123'));
    for (const [productId, onHand] of plan.stock)
      await shop.admin.setStock(await adminToken(), productId, onHand);
    const initialStock = await readStock(dbs.inventory);
    const shoppers = await mapLimit(accounts, 4, async (account): Promise<Shopper> => {
      const token = tokenBook(() => running.userToken(account.username, account.password));
      return { userId: decodeJwt(await token()).sub!, token };
    });

    const started = Date.now();
    const clock = () => Date.now() - started;
    let progress = 0;
    const timeline: TimelineEntry[] = [];
    const faults: FaultContext = {
      system: running,
      shop,
      adminToken,
      clock,
      progress: () => progress,
      record: (entry) => {
        timeline.push(entry);
        log(`${(entry.at / 1000).toFixed(1)} s  @${entry.progress}  ${entry.lane}: ${entry.what}`);
      },
    };
    log(`traffic: ${plan.checkouts} checkouts from ${plan.shoppers} shoppers, ${plan.faults.length} faults`);
    const [observations] = await Promise.all([
      runTraffic({ plan, shop, shoppers, clock, onStart: () => void progress++ }),
      runFaults(plan.faults, faults),
    ]);
    const trafficMs = clock();
    await endFaults(faults);
    log(`traffic and faults done after ${(trafficMs / 1000).toFixed(1)} s; waiting for recovery`);

    const settle = await waitUntilSettled(dbs, options.settleTimeoutMs);
    log(
      settle.settled
        ? `settled after ${settle.waitedMs} ms`
        : `not settled after ${settle.waitedMs} ms: ${JSON.stringify(settle.left)}`,
    );
    await askEveryKeyAgain(shop, dbs, shoppers, observations, clock);

    const data = await readDataset(dbs);
    const violations = checkInvariants({ data, initialStock, observations });
    const logs = running.logs();
    return {
      plan,
      timeline,
      observations,
      initialStock,
      data,
      violations,
      settle: { settled: settle.settled, waitedMs: settle.waitedMs },
      trafficMs,
      logsAbout: (orderIds, limit = 40) => {
        const patterns = orderIds.map((id) => new RegExp(`"orderId":"?${id}"?[,}]`));
        return logs
          .split('\n')
          .filter((line) => patterns.some((p) => p.test(line)))
          .slice(-limit);
      },
    };
  } finally {
    await dbs?.close();
    await system?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The final replay: with every cart emptied (so a key that never made an order cannot make one
 * now), each key that holds an order is sent once more; its answer must be the order's outcome.
 */
async function askEveryKeyAgain(
  shop: ShopClient,
  dbs: ServiceDatabases,
  shoppers: Shopper[],
  observations: KeyObservation[],
  clock: () => number,
) {
  await mapLimit(shoppers, 4, (shopper) => emptyCart(shop, shopper));
  const { rows } = await dbs.shop.query<{ user_id: string; key: string }>(
    'SELECT user_id, key FROM idempotency_keys WHERE order_id IS NOT NULL',
  );
  const withOrder = new Set(rows.map((r) => `${r.user_id}\n${r.key}`));
  const byUser = new Map(shoppers.map((s) => [s.userId, s]));
  await mapLimit(
    observations.filter((o) => withOrder.has(`${o.userId}\n${o.key}`)),
    8,
    (seen) => sendCheckout({ shop, clock }, byUser.get(seen.userId)!, seen, 'final'),
  );
}

/** An access token reused until it is two minutes old (the realm's tokens live five). */
function tokenBook(fetchToken: () => Promise<string>): () => Promise<string> {
  let current: { token: Promise<string>; at: number } | undefined;
  return () => {
    if (!current || Date.now() - current.at > 120_000) {
      const token = fetchToken();
      current = { token, at: Date.now() };
      token.catch(() => (current = undefined));
    }
    return current.token;
  };
}
