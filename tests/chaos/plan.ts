/**
 * What a chaos run will do, decided up front from its seed: the stock it starts with, every
 * checkout (who, what, and how the client behaves) and the fault timeline. Faults are placed by
 * traffic progress ("when checkout k starts") rather than by wall-clock time, so the same seed puts
 * them at the same point of the traffic on a fast or a slow machine; how long a fault lasts is in
 * milliseconds.
 */
import { seededRandom, type Random } from './random.ts';

/** The catalogue's product ids (services/shop-api/migrations/002_seed_catalog.sql). */
export const PRODUCT_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
/** Cart lines hold at most 99 of one product: stock stays below it so 99 is always over-stock. */
const MAX_STOCK = 90;
const OVER_STOCK_QUANTITY = 99;
/** Mean pause of a shopper between two checkouts: with ≈2 s per checkout, a shopper's 4–8 checkouts
 * span about a minute, so faults hit a running shop and there are calm stretches between them. */
const MEAN_PAUSE_MS = 6000;

export type ClientBehaviour =
  /** One request, one answer. */
  | 'plain'
  /** Sends the same key again after the answer (a retry that needs no retry). */
  | 'replay'
  /** Sends the same key 2–4 times at once (a double submit). */
  | 'duplicate'
  /** Aborts the request after a short while, then asks again with the same key later. */
  | 'give-up'
  /** Asks for more of one product than there can be in stock. */
  | 'over-stock'
  /** Pays with the method payment always declines. */
  | 'decline';

export interface PlannedCheckout {
  index: number;
  /** Index of the shopper (0-based) who places it; a shopper's checkouts run one after another. */
  shopper: number;
  behaviour: ClientBehaviour;
  lines: Array<{ productId: number; quantity: number }>;
  paymentMethod: 'credit-card' | 'paypal' | 'bank-transfer' | 'test-decline';
  /** duplicate: how many requests share the key. */
  copies: number;
  /** give-up: when the client aborts. */
  giveUpAfterMs: number;
  /** The shopper's pause before this checkout: spreads the traffic over the fault timeline. */
  pauseMs: number;
}

export type KilledPart = 'shop-api' | 'payment' | 'inventory';

export type FaultAction =
  /** SIGKILL, stay down for downMs, then start again (and wait until ready). */
  | { kind: 'kill'; part: KilledPart; downMs: number }
  /** Graceful stop of notification for downMs, then start again. */
  | { kind: 'stop'; part: 'notification'; downMs: number }
  /** A fault switch on for holdMs, then off. */
  | {
      kind: 'switch';
      service: 'payment' | 'inventory';
      mode: 'down' | 'slow';
      delayMs?: number;
      holdMs: number;
    };

export interface PlannedFault {
  /** The fault starts once this many checkouts have started. */
  atCheckout: number;
  /** Faults of one lane run one after another (a part is never killed while it is stopped). */
  lane: 'shop-api' | 'payment' | 'inventory' | 'notification';
  action: FaultAction;
}

export interface ChaosPlan {
  seed: number;
  checkouts: number;
  shoppers: number;
  /** onHand per product id, set before the traffic starts. */
  stock: Map<number, number>;
  traffic: PlannedCheckout[];
  faults: PlannedFault[];
}

export interface PlanOptions {
  seed: number;
  checkouts: number;
  shoppers: number;
}

export function planChaos({ seed, checkouts, shoppers }: PlanOptions): ChaosPlan {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  if (!Number.isInteger(checkouts) || checkouts < 1)
    throw new RangeError(`checkouts must be ≥ 1, got ${checkouts}`);
  if (!Number.isInteger(shoppers) || shoppers < 1)
    throw new RangeError(`shoppers must be ≥ 1, got ${shoppers}`);
  const random = seededRandom(seed);
  // Demand is ≈0.4 units per checkout and product: stock for 30–80 % of it, so some products sell out.
  const low = Math.max(1, Math.min(MAX_STOCK, Math.round(checkouts * 0.3)));
  const high = Math.max(low, Math.min(MAX_STOCK, Math.round(checkouts * 0.8)));
  const stock = new Map(PRODUCT_IDS.map((id) => [id, random.int(low, high)]));
  const traffic = Array.from({ length: checkouts }, (_, index) =>
    planCheckout(random, index, index % shoppers),
  );
  return { seed, checkouts, shoppers, stock, traffic, faults: planFaults(random, checkouts) };
}

function planCheckout(random: Random, index: number, shopper: number): PlannedCheckout {
  const behaviour = random.weighted<ClientBehaviour>({
    plain: 40,
    replay: 15,
    duplicate: 15,
    'give-up': 15,
    'over-stock': 10,
    decline: 5,
  });
  const lines = new Map<number, number>();
  for (let n = random.int(1, 3); n > 0; n--) lines.set(random.pick(PRODUCT_IDS), random.int(1, 3));
  if (behaviour === 'over-stock') lines.set(random.pick(PRODUCT_IDS), OVER_STOCK_QUANTITY);
  return {
    index,
    shopper,
    behaviour,
    lines: [...lines].map(([productId, quantity]) => ({ productId, quantity })),
    paymentMethod:
      behaviour === 'decline'
        ? 'test-decline'
        : random.pick(['credit-card', 'paypal', 'bank-transfer'] as const),
    copies: behaviour === 'duplicate' ? random.int(2, 4) : 1,
    giveUpAfterMs: behaviour === 'give-up' ? random.int(50, 2500) : 0,
    pauseMs: random.int(0, 2 * MEAN_PAUSE_MS),
  };
}

/**
 * The issue's fault mix: shop-api, payment and inventory killed twice each, notification stopped
 * twice, payment down and slow, inventory slow — slow beyond shop-api's 3 s downstream timeout
 * half of the time, so answers get lost while the work still happens.
 */
function planFaults(random: Random, checkouts: number): PlannedFault[] {
  const at = () => random.int(Math.floor(checkouts * 0.1), Math.max(1, Math.floor(checkouts * 0.85)));
  const kill = (part: KilledPart): PlannedFault => ({
    atCheckout: at(),
    lane: part,
    action: { kind: 'kill', part, downMs: random.int(0, 2000) },
  });
  const faults: PlannedFault[] = [
    kill('shop-api'),
    kill('shop-api'),
    kill('payment'),
    kill('payment'),
    kill('inventory'),
    kill('inventory'),
    {
      atCheckout: at(),
      lane: 'notification',
      action: { kind: 'stop', part: 'notification', downMs: random.int(2000, 8000) },
    },
    {
      atCheckout: at(),
      lane: 'notification',
      action: { kind: 'stop', part: 'notification', downMs: random.int(2000, 8000) },
    },
    {
      atCheckout: at(),
      lane: 'payment',
      action: { kind: 'switch', service: 'payment', mode: 'down', holdMs: random.int(2000, 6000) },
    },
    {
      atCheckout: at(),
      lane: 'payment',
      action: {
        kind: 'switch',
        service: 'payment',
        mode: 'slow',
        delayMs: random.int(1000, 5000),
        holdMs: random.int(3000, 8000),
      },
    },
    {
      atCheckout: at(),
      lane: 'inventory',
      action: {
        kind: 'switch',
        service: 'inventory',
        mode: 'slow',
        delayMs: random.int(2000, 6000),
        holdMs: random.int(3000, 8000),
      },
    },
  ];
  return faults.sort((a, b) => a.atCheckout - b.atCheckout);
}

/** One line per fault, for the report: "@ 37  payment  slow 4200 ms for 5100 ms". */
export function describeFault(action: FaultAction): string {
  switch (action.kind) {
    case 'kill':
      return `SIGKILL ${action.part}, restart after ${action.downMs} ms`;
    case 'stop':
      return `stop ${action.part} for ${action.downMs} ms`;
    case 'switch':
      return `${action.service} ${action.mode}${action.delayMs ? ` ${action.delayMs} ms` : ''} for ${action.holdMs} ms`;
  }
}
