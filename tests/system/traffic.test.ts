/**
 * `npm run traffic`: stays within its bounds (users, seconds, loopback), signs in, browses, adds
 * to the cart and checks out, honours 429 Retry-After, prints outcomes and latency percentiles,
 * and leaves no cart behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shopSession } from '../../scripts/lib/shop-session.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/traffic.ts', import.meta.url));

let shop: TestSystem;
before(async () => {
  // A low checkout limit, so the run meets 429s and must wait them out.
  shop = await startTestSystem({ extraEnv: { gateway: { RATE_LIMIT_CHECKOUT_PER_MINUTE: '1' } } });
});
after(async () => {
  await shop?.stop();
});

const traffic = (...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });

test('refuses out-of-bounds users and seconds and a gateway off this machine, before sending anything', () => {
  for (const args of [
    ['--users', '0'],
    ['--users', '51'],
    ['--seconds', '601'],
    ['--seconds', '1.5'],
    ['--gateway', 'http://shop.example.com'],
  ]) {
    const run = traffic(...args, ...(args[0] === '--gateway' ? [] : ['--gateway', shop.gatewayUrl]));
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
  }
});

test(
  '2 users for 20 s: checkouts happen, 429s are waited out, percentiles printed, no cart left',
  { timeout: 150_000 },
  async () => {
    const started = Date.now();
    const run = traffic('--users', '2', '--seconds', '20', '--gateway', shop.gatewayUrl);
    const elapsed = (Date.now() - started) / 1000;
    assert.equal(run.status, 0, run.stdout + run.stderr);
    // Bounded: the run stops at its deadline, give or take the requests in flight and the cart clean-up.
    assert.ok(elapsed < 20 + 30, `took ${elapsed} s`);
    const done = Number(/Done in ([\d.]+) s/.exec(run.stdout)?.[1]);
    assert.ok(done >= 20 && done < 20 + 30, run.stdout);
    assert.match(run.stdout, /checkout 201 +\d+/);
    assert.match(run.stdout, /checkout 429 +\d+/, 'with one checkout a minute per user the limit is met');
    assert.match(run.stdout, /browse +\d+ +\d+ +\d+ +\d+ +\d+/);
    assert.match(run.stdout, /checkout +\d+ +\d+ +\d+ +\d+ +\d+/);

    const session = shopSession(shop.gatewayUrl);
    for (const [username, password] of [
      ['mario', 'mario123'],
      ['luigi', 'luigi123'],
    ] as const) {
      const { token } = await session.signIn(username, password);
      assert.equal(await session.cartSize(token), 0, `${username}'s cart was left behind`);
    }
  },
);
