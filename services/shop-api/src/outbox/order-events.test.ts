import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recipientName } from './order-events.ts';

test("a recipient name always fits notification's contract (1–200 characters)", () => {
  assert.deepEqual(recipientName('Mario Rossi'), { name: 'Mario Rossi' });
  assert.deepEqual(recipientName('  '), {}, 'empty is left out, not sent as ""');
  assert.deepEqual(recipientName(undefined), {});
  const long = recipientName('x'.repeat(255));
  assert.equal(long.name?.length, 200, 'a 255-character username is cut to 200');
  const emoji = recipientName('😀'.repeat(201));
  assert.equal([...(emoji.name ?? '')].length, 200, 'cut by characters, never inside a surrogate pair');
});
