/**
 * `npm run traffic -- --users N --seconds S [--gateway <url>]`: steady shop traffic against a
 * running system, like the original's traffic generator but bounded and polite. N virtual users
 * (1–50) each sign in (password grant of the development CLI client, as the demo users mario,
 * luigi and admin in turn), browse the catalog, add to the cart and check out, for S seconds
 * (1–600). A 429 is honoured: the user waits its Retry-After. Virtual users sharing an account
 * take turns at its cart, and every cart is emptied at the end (also on Ctrl-C): none is left
 * behind. Prints the outcome of each kind of request and its latency percentiles.
 */
import { parseArgs } from 'node:util';
import { devPassword } from './lib/dev-users.ts';
import { localPorts } from '@mockmart/devstack';
import { checkLoopback, shopSession, type Answer } from './lib/shop-session.ts';
import { percentile } from './lib/latency.ts';

const ACCOUNTS = ['mario', 'luigi', 'admin'].map((username) => ({
  username,
  password: devPassword(username),
}));
const LIMITS = { users: [1, 50], seconds: [1, 600] } as const;

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '30' },
    gateway: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
const USAGE = 'usage: npm run traffic -- --users <1-50> --seconds <1-600> [--gateway <url>] [--allow-remote]';
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
function bounded(name: keyof typeof LIMITS): number {
  const value = Number(values[name]);
  const [min, max] = LIMITS[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(
      `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(values[name])}\n${USAGE}`,
    );
    process.exit(2);
  }
  return value;
}
const users = bounded('users');
const seconds = bounded('seconds');
const gatewayUrl = values.gateway ?? `http://localhost:${localPorts(process.env).ports.gateway}`;
try {
  checkLoopback(gatewayUrl, values['allow-remote'] === true);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const shop = shopSession(gatewayUrl);
const started = Date.now();
const deadline = started + seconds * 1000;
const stop = new AbortController();
setTimeout(() => stop.abort(), seconds * 1000).unref();
process.once('SIGINT', () => {
  console.log('\nSIGINT: finishing the requests in flight, emptying the carts…');
  stop.abort();
});

/** Outcomes and latencies per kind of request ("checkout 201", "checkout 429" …). */
const outcomes = new Map<string, number>();
const latencies = new Map<string, number[]>();
const record = (kind: string, answer: Answer) => {
  const key = `${kind} ${answer.status}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  latencies.set(kind, [...(latencies.get(kind) ?? []), answer.ms]);
};
const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    if (stop.signal.aborted) return resolve();
    const timer = setTimeout(resolve, Math.max(0, Math.min(ms, deadline - Date.now())));
    stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
/** Waits as a 429 asks (Retry-After seconds, 1 when absent); true when the request should be tried again. */
async function honoured(answer: Answer): Promise<boolean> {
  if (answer.status !== 429) return false;
  await pause(Number(answer.headers.get('retry-after') ?? 1) * 1000);
  return !stop.signal.aborted;
}
/** One request, recorded; a 429 is waited out and tried again while time remains. */
async function step(kind: string, send: () => Promise<Answer>): Promise<Answer> {
  for (;;) {
    const answer = await send();
    record(kind, answer);
    if (!(await honoured(answer))) return answer;
  }
}

/** Each account's cart is used by one virtual user at a time. */
const turns = new Map<string, Promise<void>>();
async function withCart(username: string, work: () => Promise<void>): Promise<void> {
  const previous = turns.get(username) ?? Promise.resolve();
  const mine = previous.then(work, work);
  turns.set(
    username,
    mine.catch(() => undefined),
  );
  await mine;
}

async function virtualUser(index: number): Promise<void> {
  const account = ACCOUNTS[index % ACCOUNTS.length]!;
  const { token } = await shop.signIn(account.username, account.password);
  const catalog = await step('browse', () =>
    shop.call<Array<{ id: number }>>('GET', '/api/products', { token }),
  );
  const ids =
    Array.isArray(catalog.body) && catalog.body.length > 0 ? catalog.body.map((p) => p.id) : [1, 2, 3];
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  while (!stop.signal.aborted) {
    await step('browse', () => shop.call('GET', `/api/products/${pick()}`, { token }));
    await pause(200 + Math.random() * 600);
    if (stop.signal.aborted) break;
    await withCart(account.username, async () => {
      if (stop.signal.aborted) return;
      const added = await step('add-to-cart', () =>
        shop.call('POST', '/api/cart', {
          token,
          body: { productId: pick(), quantity: 1 + Math.floor(Math.random() * 2) },
        }),
      );
      if (added.status >= 300 || stop.signal.aborted) return;
      const placed = await step('checkout', () => shop.checkout(token));
      // A failed checkout puts its lines back in the cart: empty it before the next user's turn.
      if (placed.status !== 201) await shop.clearCart(token);
    });
    await pause(200 + Math.random() * 600);
  }
}

console.log(`Traffic on ${gatewayUrl}: ${users} users for ${seconds} s…`);
const results = await Promise.allSettled(Array.from({ length: users }, (_, index) => virtualUser(index)));
const failures = results.filter((result) => result.status === 'rejected');

// Whatever happened, no account keeps a cart this run filled.
for (const account of ACCOUNTS.slice(0, Math.min(users, ACCOUNTS.length))) {
  const { token } = await shop.signIn(account.username, account.password);
  await shop.clearCart(token);
}

const elapsed = (Date.now() - started) / 1000;
console.log(`\nDone in ${elapsed.toFixed(1)} s. Outcomes:`);
for (const [key, count] of [...outcomes].sort()) console.log(`  ${key.padEnd(18)} ${count}`);
console.log('\nLatency (ms)          p50     p95     p99     max      n');
for (const [kind, values] of [...latencies].sort()) {
  const fmt = (n: number | undefined) => String(Math.round(n ?? 0)).padStart(7);
  console.log(
    `  ${kind.padEnd(16)} ${fmt(percentile(values, 50))} ${fmt(percentile(values, 95))} ${fmt(percentile(values, 99))} ` +
      `${fmt(Math.max(...values))} ${String(values.length).padStart(6)}`,
  );
}
for (const failure of failures)
  console.error(`a virtual user stopped: ${((failure as PromiseRejectedResult).reason as Error).message}`);
console.log('\nLook at: npm run metrics   npm run traces -- --route /api/checkout --since 5m');
process.exit(failures.length > 0 ? 1 : 0);
