import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { User } from '../realm/model.ts';
import { deferPasswordHash, hashDeferredPasswords } from './deferred-hashing.ts';
import { verifyPassword } from './scrypt.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };
const user = (username: string): User => ({
  id: username,
  username,
  enabled: true,
  emailVerified: false,
  attributes: {},
  requiredActions: [],
  roleKeys: new Set(),
  createdTimestamp: 0,
});

describe('deferred hashing of imported passwords', { timeout: 10_000 }, () => {
  test('nothing is hashed until asked; awaiting a pending user hashes it at once, exactly once', async () => {
    const owner = new Map<string, User>();
    const mario = user('mario');
    const luigi = user('luigi');
    deferPasswordHash(owner, mario, 'mario123', CHEAP);
    deferPasswordHash(owner, luigi, 'luigi123', CHEAP);
    assert.equal(mario.passwordHash, undefined);
    assert.ok(mario.passwordHashing);

    await mario.passwordHashing; // a login arriving before the background queue ran
    const first = mario.passwordHash;
    assert.match(first ?? '', /^scrypt\$1024\$8\$1\$/);
    assert.equal(mario.passwordHashing, undefined);
    assert.equal(luigi.passwordHash, undefined, 'others wait for the background queue');

    const errors: unknown[] = [];
    await hashDeferredPasswords(owner, (error) => errors.push(error));
    assert.deepEqual(errors, []);
    assert.equal(mario.passwordHash, first, 'not hashed a second time');
    assert.equal(await verifyPassword('luigi123', luigi.passwordHash ?? ''), true);
    assert.equal(await verifyPassword('wrong', luigi.passwordHash ?? ''), false);
    assert.equal(luigi.passwordHashing, undefined);
  });

  test('a failing hash is reported and keeps the user unusable, never falling back to the plain text', async () => {
    const owner = {};
    const broken = user('broken');
    deferPasswordHash(owner, broken, 'x', { N: 3, r: 8, p: 1 }); // N not a power of two: scrypt refuses
    const errors: unknown[] = [];
    await hashDeferredPasswords(owner, (error) => errors.push(error));
    assert.equal(errors.length, 1);
    assert.equal(broken.passwordHash, undefined);
    await assert.rejects(async () => {
      await broken.passwordHashing;
    });
  });
});
