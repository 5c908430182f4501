/**
 * `npm run scenario`: a demo switches faults through the admin API, runs its bounded traffic and
 * puts every switch back as it found it — also when interrupted with Ctrl-C (SIGINT) mid-run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shopSession, type FaultState } from '../../scripts/lib/shop-session.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/scenario.ts', import.meta.url));

let shop: TestSystem;
let admin: string;
before(async () => {
  shop = await startTestSystem();
  admin = (await shopSession(shop.gatewayUrl).signIn('admin', 'admin123')).token;
});
after(async () => {
  await shop?.stop();
});

const session = () => shopSession(shop.gatewayUrl);
const fault = async (service: string) => (await session().fault(admin, service)).body;

function runScenario(name: string, onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [SCRIPT, name, '--gateway', shop.gatewayUrl], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    for (const line of text.split('\n')) if (line) onLine?.(line, child);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

test(
  'the payment scenario declines one charge, slows the next, prints trace ids and restores payment',
  { timeout: 120_000 },
  async () => {
    const run = await runScenario('payment');
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /switched payment: decline, next 1 calls/);
    assert.match(run.output, /mario +checkout 402 SHOP_PAYMENT_DECLINED .* trace [0-9a-f]{32}/);
    assert.match(run.output, /switched payment: slow, 2000 ms, next 1 calls/);
    const slow = /mario +checkout 201 confirmed +(\d+) ms/.exec(
      run.output.split('switched payment: slow')[1] ?? '',
    );
    assert.ok(slow && Number(slow[1]) >= 1900, `the charge after the switch was not slow:\n${run.output}`);
    assert.match(run.output, /restored payment: none/);
    assert.equal((await fault('payment')).mode, 'none');
    const mario = await session().signIn('mario', 'mario123');
    assert.equal(await session().cartSize(mario.token), 0, 'no cart left behind');
  },
);

test(
  'Ctrl-C in the middle of a scenario restores the switch to what it was before',
  { timeout: 120_000 },
  async () => {
    const earlier = { mode: 'timeout', delayMs: 100, remaining: 5, userIds: ['nobody-in-particular'] };
    await session().setFault(admin, 'notification', earlier);
    let interrupted = false;
    const run = await runScenario('slow-mail', (line, child) => {
      // Interrupted once the switch is on and the traffic has started.
      if (!interrupted && /checkout 201/.test(line)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(interrupted, run.output);
    assert.equal(run.code, 130, run.output);
    assert.match(run.output, /switched notification: slow-template, 3000 ms, users /);
    assert.match(run.output, /SIGINT: stopping the traffic and restoring the switches/);
    const state: FaultState = await fault('notification');
    assert.deepEqual(
      { mode: state.mode, delayMs: state.delayMs, remaining: state.remaining, userIds: state.userIds },
      earlier,
    );
    await session().setFault(admin, 'notification', { mode: 'none' });
  },
);
