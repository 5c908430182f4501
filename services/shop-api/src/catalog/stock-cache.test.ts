import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createStockCache, invalidatingStockCache } from './stock-cache.ts';
import type { InventoryClient, StockLevel } from '../downstream/inventory-client.ts';

/** An inventory whose answers the test releases by hand, and a clock the test moves. */
function setup(maxAgeMs = 1000) {
  const calls: Array<{ resolve: (items: StockLevel[]) => void; reject: (error: Error) => void }> = [];
  let clock = 0;
  const errors: unknown[] = [];
  const cache = createStockCache({
    inventory: {
      getStock: () => new Promise((resolve, reject) => calls.push({ resolve, reject })),
    },
    maxAgeMs,
    timeoutMs: 500,
    onError: (error) => errors.push(error),
    now: () => clock,
  });
  const level = (productId: number, available: number): StockLevel => ({
    productId,
    onHand: available,
    reserved: 0,
    available,
  });
  return { cache, calls, errors, level, advance: (ms: number) => (clock += ms) };
}

describe('the catalog stock cache', { timeout: 5_000 }, () => {
  test('concurrent readers share one call to inventory', async () => {
    const { cache, calls, level } = setup();
    const readers = Array.from({ length: 50 }, () => cache.levels());
    assert.equal(calls.length, 1);
    calls[0]!.resolve([level(1, 7)]);
    for (const levels of await Promise.all(readers)) assert.equal(levels.get(1), 7);
  });

  test('serves from memory for maxAgeMs after the fetch started, then fetches again', async () => {
    const { cache, calls, level, advance } = setup(1000);
    const first = cache.levels();
    advance(200); // the fetch takes 200 ms: its age counts from its start
    calls[0]!.resolve([level(1, 7)]);
    await first;
    advance(800);
    assert.equal((await cache.levels()).get(1), 7);
    assert.equal(calls.length, 1, 'still within 1000 ms of the fetch start');
    advance(1);
    const next = cache.levels();
    assert.equal(calls.length, 2, 'older than maxAgeMs: fetched again');
    calls[1]!.resolve([level(1, 3)]);
    assert.equal((await next).get(1), 3);
  });

  test('after invalidate, no reader gets an answer that may predate the change', async () => {
    const { cache, calls, level } = setup();
    const before = cache.levels(); // started before the change
    cache.invalidate();
    const after = cache.levels();
    assert.equal(calls.length, 2, 'a reader after the change does not join the older call');
    calls[0]!.resolve([level(1, 7)]);
    calls[1]!.resolve([level(1, 6)]);
    assert.equal((await before).get(1), 7);
    assert.equal((await after).get(1), 6);
    assert.equal((await cache.levels()).get(1), 6, 'the older answer was not kept');
    assert.equal(calls.length, 2);
  });

  test('a failure shows availability unknown and is not cached', async () => {
    const { cache, calls, errors, level } = setup();
    const failed = cache.levels();
    calls[0]!.reject(new Error('inventory down'));
    assert.equal((await failed).size, 0);
    assert.equal(errors.length, 1);
    const retried = cache.levels();
    assert.equal(calls.length, 2, 'the next reader asks again');
    calls[1]!.resolve([level(1, 7)]);
    assert.equal((await retried).get(1), 7);
  });

  test('a wall clock set back does not stretch the bound: ages are measured on a monotonic clock', async () => {
    const wallClock = Date.now;
    let setBackMs = 0;
    Date.now = () => wallClock() - setBackMs;
    try {
      const calls: Array<(items: StockLevel[]) => void> = [];
      const cache = createStockCache({
        inventory: { getStock: () => new Promise((resolve) => calls.push(resolve)) },
        maxAgeMs: 20,
        timeoutMs: 500,
        onError: () => {},
      });
      const first = cache.levels();
      calls[0]!([{ productId: 1, onHand: 7, reserved: 0, available: 7 }]);
      await first;
      setBackMs = 3_600_000;
      await new Promise((resolve) => setTimeout(resolve, 40));
      void cache.levels();
      assert.equal(calls.length, 2, 'older than the bound: fetched again');
    } finally {
      Date.now = wallClock;
    }
  });

  test("a checkout's hold and commit keep the cache; releases, reversals and admin changes drop it", async () => {
    const { cache, calls, level } = setup();
    const dropped: string[] = [];
    const answered = async () => ({ ok: true }) as never;
    const inventory = invalidatingStockCache(
      {
        reserve: answered,
        commit: answered,
        release: answered,
        reverse: answered,
        setStock: answered,
        admin: { request: answered },
      } as unknown as InventoryClient,
      {
        levels: () => cache.levels(),
        invalidate: () => {
          dropped.push('x');
          cache.invalidate();
        },
      },
    );
    const first = cache.levels();
    calls[0]!.resolve([level(1, 7)]);
    await first;
    await inventory.reserve('1', [{ productId: 1, quantity: 1 }], 60);
    await inventory.commit('1');
    assert.deepEqual(
      dropped,
      [],
      'at a hundred checkouts a second, dropping it would refetch for every read',
    );
    assert.equal((await cache.levels()).get(1), 7);
    assert.equal(calls.length, 1);
    await inventory.release('2');
    await inventory.reverse('3');
    await inventory.setStock(1, 5);
    await inventory.admin.request({ method: 'PUT', path: '/x' });
    assert.equal(dropped.length, 4);
  });
});
