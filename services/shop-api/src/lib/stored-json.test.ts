import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { readStored } from './stored-json.ts';

const Stamped = Type.Object({ id: Type.Integer(), at: Type.String({ format: 'date-time' }) });

test('stored JSON that fits its schema is read back, date-time formats included', () => {
  const value = { id: 1, at: new Date(0).toISOString() };
  assert.deepEqual(readStored(Stamped, value), value);
});

test('stored JSON that does not fit (an older shape, a bad date) is not read as the type', () => {
  assert.equal(readStored(Stamped, { id: 1 }), undefined);
  assert.equal(readStored(Stamped, { id: 1, at: 'yesterday' }), undefined);
  assert.equal(readStored(Stamped, null), undefined);
});
