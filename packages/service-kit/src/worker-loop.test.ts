import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { workerLoop } from './worker-loop.ts';

/** These ticks never throw; if one does, the test fails loudly rather than the loop swallowing it. */
function unexpectedError(error: unknown): never {
  assert.fail(`tick failed: ${String(error)}`);
}

/** Polls until `condition` holds, so the tests wait on behaviour rather than on fixed delays. */
async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

test('runs at once on start, then again after each interval', async () => {
  let runs = 0;
  const loop = workerLoop(20, async () => void runs++, unexpectedError);
  loop.start();
  await until(() => runs >= 3);
  await loop.stop();
});

test('a nudge runs the tick early instead of waiting out a long interval', async () => {
  let runs = 0;
  const loop = workerLoop(60_000, async () => void runs++, unexpectedError);
  loop.start();
  await until(() => runs === 1);
  loop.nudge();
  await until(() => runs === 2);
  await loop.stop();
});

test('runs never overlap, and a nudge during a run is remembered for right after it', async () => {
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  let release!: () => void;
  const loop = workerLoop(
    60_000,
    async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      active--;
    },
    unexpectedError,
  );
  loop.start();
  await until(() => runs === 1);
  loop.nudge();
  loop.nudge();
  await sleep(30);
  assert.equal(runs, 1, 'a nudge must not start a second run while one is in progress');
  release();
  await until(() => runs === 2);
  assert.equal(maxActive, 1);
  await loop.stop();
});

test('a failing tick is reported and the loop keeps going', async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const loop = workerLoop(
    10,
    async () => {
      runs++;
      if (runs === 1) throw new Error('database unavailable');
    },
    (error) => errors.push(error),
  );
  loop.start();
  await until(() => runs >= 2);
  await loop.stop();
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /database unavailable/);
});

test('stop waits for the run in progress and nothing runs afterwards', async () => {
  let finished = false;
  let runs = 0;
  const loop = workerLoop(
    5,
    async () => {
      runs++;
      await sleep(40);
      finished = true;
    },
    unexpectedError,
  );
  loop.start();
  await until(() => runs === 1);
  await loop.stop();
  assert.equal(finished, true, 'stop returned before the run in progress ended');
  const runsAtStop = runs;
  loop.nudge();
  await sleep(50);
  assert.equal(runs, runsAtStop);
});

test('with a nudge delay, the nudges of that moment share one run, due no later than the delay', async () => {
  let runs = 0;
  const loop = workerLoop(60_000, async () => void runs++, unexpectedError, { nudgeDelayMs: 40 });
  loop.start();
  await until(() => runs === 1);
  const nudged = Date.now();
  for (let i = 0; i < 5; i++) {
    loop.nudge();
    await sleep(5);
  }
  await until(() => runs === 2);
  const waited = Date.now() - nudged;
  await sleep(80);
  assert.equal(runs, 2, 'five nudges within the delay make one run');
  assert.ok(waited < 1000, `the run came ${waited} ms after the first nudge`);
  await loop.stop();
});
