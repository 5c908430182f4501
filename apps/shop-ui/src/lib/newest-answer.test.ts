import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newestAnswer } from './newest-answer.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('newestAnswer', () => {
  test('an older request answered last is dropped', async () => {
    const order = newestAnswer();
    const shown: string[] = [];
    const load = deferred<string>();
    const add = deferred<string>();
    const first = order.request(
      () => load.promise,
      (cart) => shown.push(cart),
    );
    const second = order.request(
      () => add.promise,
      (cart) => shown.push(cart),
    );
    add.resolve('cart with the item');
    await second;
    load.resolve('empty cart');
    await first;
    assert.deepEqual(shown, ['cart with the item']);
  });

  test('answers in order are all applied', async () => {
    const order = newestAnswer();
    const shown: number[] = [];
    await order.request(
      async () => 1,
      (n) => shown.push(n),
    );
    await order.request(
      async () => 2,
      (n) => shown.push(n),
    );
    assert.deepEqual(shown, [1, 2]);
  });

  test('a local change drops answers to requests sent before it', async () => {
    const order = newestAnswer();
    const shown: string[] = [];
    const load = deferred<string>();
    const pending = order.request(
      () => load.promise,
      (cart) => shown.push(cart),
    );
    order.supersede();
    load.resolve('cart before checkout');
    await pending;
    assert.deepEqual(shown, []);
  });
});
