/**
 * `npm run scenario -- <name> [--gateway <url>]`: one of the original's five demos (see
 * lib/scenarios.ts) against a running system (`npm start`; MOCKMART_PORT_OFFSET as there). It
 * prints every switch it flips, runs a bounded amount of traffic as the demo users mario and
 * luigi (development only), prints the trace ids and metrics to look at, and puts every switch
 * back as it found it — at the end, on an error, and on Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { devPassword } from './lib/dev-users.ts';
import { localPorts } from '@mockmart/devstack';
import { SCENARIOS, type ScenarioContext, type Service } from './lib/scenarios.ts';
import { checkLoopback, settingOf, shopSession, type FaultSetting } from './lib/shop-session.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    gateway: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage = () =>
  `usage: npm run scenario -- <name> [--gateway <url>]\n\n${SCENARIOS.map(
    (scenario) => `  ${scenario.name.padEnd(15)} ${scenario.story}`,
  ).join('\n')}`;
const scenario = SCENARIOS.find((candidate) => candidate.name === positionals[0]);
if (values.help || !scenario) {
  console.log(usage());
  process.exit(values.help ? 0 : 2);
}

const gatewayUrl = values.gateway ?? `http://localhost:${localPorts(process.env).ports.gateway}`;
checkLoopback(gatewayUrl, values['allow-remote'] === true);
const shop = shopSession(gatewayUrl);
const stop = new AbortController();
/** The state each switched service had before this run, to put back. */
const before = new Map<Service, FaultSetting>();
let admin = '';
const traces: Array<{ user: string; status: number; traceId: string }> = [];

/** The switch being flipped right now: a restore waits for it, so it cannot land after the restore. */
let switching: Promise<unknown> = Promise.resolve();

async function restore(): Promise<void> {
  await switching.catch(() => undefined);
  for (const [service, setting] of before) {
    try {
      const state = await shop.setFault(admin, service, setting);
      console.log(`restored ${service}: ${describe(state.body)}`);
    } catch (error) {
      console.error(
        `could NOT restore ${service} (${(error as Error).message}); set it back with the admin page`,
      );
      process.exitCode = 1;
    }
  }
  before.clear();
}

let finishing: Promise<void> | undefined;
const finish = (code: number) => {
  finishing ??= restore().then(() => process.exit(process.exitCode || code));
  return finishing;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    console.log(`\n${signal}: stopping the traffic and restoring the switches…`);
    stop.abort();
    void finish(130);
  });

const describe = (state: {
  mode: string;
  delayMs?: number | null;
  remaining?: number | null;
  userIds?: string[] | null;
}) =>
  [
    state.mode,
    state.delayMs ? `${state.delayMs} ms` : '',
    state.remaining ? `next ${state.remaining} calls` : '',
    state.userIds ? `users ${state.userIds.join(',')}` : '',
  ]
    .filter(Boolean)
    .join(', ');

try {
  console.log(`Scenario ${scenario.name} on ${gatewayUrl}\n  ${scenario.story}\n`);
  admin = (await shop.signIn('admin', devPassword('admin'))).token;
  const users = {
    mario: await shop.signIn('mario', devPassword('mario')),
    luigi: await shop.signIn('luigi', devPassword('luigi')),
  };
  const context: ScenarioContext = {
    shop,
    users,
    async switchFault(service, setting) {
      if (stop.signal.aborted) throw new Error('interrupted');
      const flip = (async () => {
        if (!before.has(service)) before.set(service, settingOf((await shop.fault(admin, service)).body));
        return shop.setFault(admin, service, setting);
      })();
      switching = flip;
      const state = await flip;
      console.log(`switched ${service}: ${describe(state.body)}`);
    },
    async checkout(user, options = {}) {
      const { token } = users[user];
      await shop.addToCart(token, options.productId ?? 1);
      const answer = await shop.checkout(token, options.paymentMethod);
      const outcome =
        answer.status === 201 ? 'confirmed' : `${(answer.body as { code?: string }).code ?? 'failed'}`;
      console.log(
        `  ${user.padEnd(6)} checkout ${answer.status} ${outcome.padEnd(24)} ${String(Math.round(answer.ms)).padStart(5)} ms  trace ${answer.traceId}`,
      );
      traces.push({ user, status: answer.status, traceId: answer.traceId });
      if (answer.status === 429) await context.pause(Number(answer.headers.get('retry-after') ?? 1) * 1000);
      // A failed checkout puts its lines back in the cart: leave none behind.
      if (answer.status !== 201) await shop.clearCart(token);
      return answer;
    },
    pause: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        stop.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }),
    say: (line) => console.log(`  ${line}`),
  };
  await scenario.run(context);
  console.log('\nLook at:');
  for (const line of scenario.lookAt) console.log(`  ${line}`);
  console.log(
    `  trace ids: ${traces.map((t) => `${t.traceId} (${t.user} ${t.status})`).join('\n             ')}`,
  );
  await finish(0);
} catch (error) {
  if (!stop.signal.aborted) console.error(`\nScenario ${scenario.name} failed: ${(error as Error).message}`);
  await finish(1);
}
