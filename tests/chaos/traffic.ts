/**
 * The shoppers of a chaos run: each shopper places its planned checkouts one after another (a cart
 * is per user), all shoppers at once, straight against shop-api with their own access tokens.
 * Every checkout carries an Idempotency-Key; clients replay it, send it twice at once, give up and
 * ask again — as the plan says — and a client that did not learn its order's fate asks again a few
 * times. Every answer, and every answer that never came, is recorded per key.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { observe, isOutcome, type KeyObservation, type ObservedAnswer } from './answers.ts';
import type { ChaosPlan, PlannedCheckout } from './plan.ts';
import type { ShopClient } from '../system/support/shop-client.ts';

export interface Shopper {
  userId: string;
  /** A valid access token (refreshed by the caller when it ages). */
  token(): Promise<string>;
}

export interface TrafficContext {
  plan: ChaosPlan;
  shop: ShopClient;
  shoppers: Shopper[];
  /** ms since the run started. */
  clock(): number;
  /** Called as each checkout starts: fault triggers follow it. */
  onStart(index: number): void;
}

/** Longest a client waits for any answer: nothing in a run may hang for ever. */
const REQUEST_TIMEOUT_MS = 30_000;
/** How long a shopper keeps retrying while shop-api is away (killed, restarting). */
const SHOP_AWAY_MS = 120_000;
/** A client that saw no outcome asks again this many times, this far apart. */
const FOLLOW_UPS = [1000, 2000, 3000, 5000];

export async function runTraffic(context: TrafficContext): Promise<KeyObservation[]> {
  const observations: KeyObservation[] = [];
  await Promise.all(
    context.shoppers.map(async (shopper, s) => {
      for (const checkout of context.plan.traffic.filter((c) => c.shopper === s)) {
        await sleep(checkout.pauseMs);
        context.onStart(checkout.index);
        observations.push(await placeCheckout(context, shopper, checkout));
      }
    }),
  );
  return observations.sort((a, b) => a.checkout - b.checkout);
}

/** The Idempotency-Key of a planned checkout: unique within a run (each run has fresh databases). */
export const keyOf = (plan: ChaosPlan, checkout: number) => `chaos-${plan.seed}-${checkout}`;

async function placeCheckout(context: TrafficContext, shopper: Shopper, checkout: PlannedCheckout) {
  const seen: KeyObservation = {
    userId: shopper.userId,
    key: keyOf(context.plan, checkout.index),
    checkout: checkout.index,
    paymentMethod: checkout.paymentMethod,
    answers: [],
  };
  await fillCart(context, shopper, checkout.lines);
  const send = (phase: ObservedAnswer['phase'], giveUpAfterMs?: number) =>
    sendCheckout(context, shopper, seen, phase, giveUpAfterMs);

  if (checkout.behaviour === 'duplicate')
    await Promise.all(Array.from({ length: checkout.copies }, () => send('live')));
  else if (checkout.behaviour === 'give-up') await send('live', checkout.giveUpAfterMs);
  else await send('live');
  if (checkout.behaviour === 'replay') await send('retry');

  for (const pause of FOLLOW_UPS) {
    if (seen.answers.some(isOutcome)) break;
    await sleep(pause);
    await send('retry');
  }
  return seen;
}

/** Sends POST /api/checkout with the key and records what came back (or that nothing did). */
export async function sendCheckout(
  context: Pick<TrafficContext, 'shop' | 'clock'>,
  shopper: Shopper,
  seen: KeyObservation,
  phase: ObservedAnswer['phase'],
  giveUpAfterMs?: number,
): Promise<void> {
  const signal = giveUpAfterMs
    ? AbortSignal.any([AbortSignal.timeout(giveUpAfterMs), AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
    : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    const answer = await context.shop.checkout(await shopper.token(), seen.key, seen.paymentMethod, signal);
    seen.answers.push(observe(context.clock(), phase, answer.status, answer.body));
  } catch (error) {
    const aborted = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    seen.answers.push({ at: context.clock(), phase, status: aborted ? 'aborted' : 'network-error' });
  }
}

/** Empties the shopper's cart (a failed order gives its lines back), then adds the planned lines. */
async function fillCart(context: TrafficContext, shopper: Shopper, lines: PlannedCheckout['lines']) {
  await emptyCart(context.shop, shopper);
  for (const line of lines) {
    await whileShopAway(async () =>
      context.shop.call('POST', '/api/cart', {
        token: await shopper.token(),
        body: line,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }),
    );
  }
}

export async function emptyCart(shop: ShopClient, shopper: Shopper): Promise<void> {
  const cart = await whileShopAway(async () =>
    shop.call<Array<{ productId: number }>>('GET', '/api/cart', {
      token: await shopper.token(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }),
  );
  for (const line of Array.isArray(cart.body) ? cart.body : []) {
    await whileShopAway(async () =>
      shop.call('DELETE', `/api/cart/${line.productId}`, {
        token: await shopper.token(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }),
    );
  }
}

/** Retries a cart call while shop-api is unreachable or answers 5xx (it is being killed or started). */
async function whileShopAway<T extends { status: number }>(call: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + SHOP_AWAY_MS;
  for (;;) {
    try {
      const answer = await call();
      if (answer.status < 500 || Date.now() > giveUpAt) return answer;
    } catch (error) {
      if (Date.now() > giveUpAt) throw error;
    }
    await sleep(250);
  }
}
