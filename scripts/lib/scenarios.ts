/**
 * The original's five demos, re-expressed with the admin fault API (GET/PUT
 * /api/admin/faults/:service): each switches what it needs, aimed at chosen users or at "the next
 * N calls", runs a bounded amount of traffic through the gateway and says where to look.
 * The runner (scenario.ts) restores every switch afterwards, also when interrupted.
 */
import type { Answer, FaultSetting, ShopSession } from './shop-session.ts';

export type Service = 'inventory' | 'payment' | 'notification';

export interface ScenarioContext {
  shop: ShopSession;
  users: Record<'mario' | 'luigi', { token: string; userId: string }>;
  /** Switches a service's faults (the runner remembers the state before, to restore it). */
  switchFault(service: Service, setting: FaultSetting): Promise<void>;
  /** One checkout of one product for a user, printed with its outcome, time and trace id. */
  checkout(
    user: 'mario' | 'luigi',
    options?: { productId?: number; paymentMethod?: string },
  ): Promise<Answer>;
  /** A pause that Ctrl-C cuts short. */
  pause(ms: number): Promise<void>;
  say(line: string): void;
}

export interface Scenario {
  name: string;
  /** What the original demo showed, and what this one does. */
  story: string;
  run(context: ScenarioContext): Promise<void>;
  /** The traces and metrics that tell the story. */
  lookAt: string[];
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'invalid-email',
    story:
      "A silent failure: notification rejects mario's recipient address, the checkout still answers 201, " +
      'and only the outbox (dead event) and the trace show that no mail left.',
    async run(context) {
      await context.switchFault('notification', {
        mode: 'invalid-email',
        userIds: [context.users.mario.userId],
      });
      await context.checkout('mario');
      context.say('waiting 3 s for the outbox to try the mail…');
      await context.pause(3_000);
    },
    lookAt: [
      'npm run traces <trace id above>   → outbox deliver order.confirmed → notification 400',
      'npm run metrics                   → "outbox dead" went up; checkouts "confirmed" too',
    ],
  },
  {
    name: 'slow-mail',
    story:
      'A latency spike for some users: the mail template renders 3 s slower for luigi only. The checkout ' +
      'answer stays fast (the outbox decouples it); the trace shows the 3 s under the mail delivery.',
    async run(context) {
      await context.switchFault('notification', {
        mode: 'slow-template',
        delayMs: 3_000,
        userIds: [context.users.luigi.userId],
      });
      for (const user of ['mario', 'luigi', 'mario', 'luigi'] as const) await context.checkout(user);
      context.say("waiting 8 s for luigi's mails to render…");
      await context.pause(8_000);
    },
    lookAt: [
      "npm run traces <luigi's trace id> → outbox deliver order.confirmed ≈ 3 s (mario's: a few ms)",
      'npm run metrics                   → notification p95 and p99 went up',
    ],
  },
  {
    name: 'payment',
    story:
      'Fan-out debugging on payment: the next charge is declined (402 with a trace id), the one after ' +
      'is slowed by 2 s; catalog browsing in between spends neither.',
    async run(context) {
      await context.switchFault('payment', { mode: 'decline', remaining: 1 });
      await context.checkout('mario');
      await context.switchFault('payment', { mode: 'slow', delayMs: 2_000, remaining: 1 });
      await context.shop.products(context.users.mario.token);
      await context.checkout('mario');
      await context.checkout('luigi');
    },
    lookAt: [
      'npm run traces <declined trace id> → payment POST /api/payments/charges 402, the reservation released',
      'npm run traces -- --service payment --since 5m',
      'npm run metrics                     → checkouts "payment_declined"; payment p95 ≈ 2 s',
    ],
  },
  {
    name: 'slow-inventory',
    story:
      'Slow inventory for its next 2 checkout calls (1.5 s each): browsing the catalog reads stock without ' +
      'spending them; the first checkout reserves and commits, so it takes both (≈3 s), the next ones are fast.',
    async run(context) {
      await context.switchFault('inventory', { mode: 'slow', delayMs: 1_500, remaining: 2 });
      for (let i = 0; i < 3; i++) await context.shop.products(context.users.mario.token);
      context.say('browsed the catalog 3 times: fast, and the 2 slow calls are still armed');
      for (const user of ['mario', 'luigi', 'mario'] as const) await context.checkout(user);
    },
    lookAt: [
      'npm run traces <first trace id> → inventory reservations and its commit ≈ 1.5 s each',
      'npm run metrics                                    → inventory p95 ≈ 1.5 s',
    ],
  },
  {
    name: 'error-rate',
    story:
      'An error-rate run: payment is down for its next 9 calls (503 with Retry-After). shop-api retries a ' +
      'charge before giving up, so a few of the 8 checkouts fail with 503 and the rest succeed; the errors ' +
      'are found by searching traces, and the RED metrics show the rate.',
    async run(context) {
      await context.switchFault('payment', { mode: 'down', remaining: 9 });
      for (let i = 0; i < 8; i++)
        await context.checkout(i % 2 === 0 ? 'mario' : 'luigi', { productId: 1 + (i % 5) });
    },
    lookAt: [
      'npm run traces -- --status 503 --since 5m',
      'npm run metrics   → payment 5xx, shop-api 5xx, checkouts by result',
    ],
  },
];
