import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasswordHashCache } from './hash-cache.ts';
import { hashPassword, verifyPassword } from './scrypt.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };
const folder = mkdtempSync(join(tmpdir(), 'idp-hash-cache-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(folder, `cache-${++files}`, 'password-hashes.json');

/** A cache file holding mario's hash at CHEAP, as a previous start leaves it. */
async function savedWithMario(): Promise<{ file: string; hash: string }> {
  const file = newFile();
  const cache = await PasswordHashCache.open(file);
  const hash = await hashPassword('mario123', CHEAP);
  cache.set('techstore/mario', 'mario123', CHEAP, hash); // saved at once: an idp may be stopped any time
  await cache.saved();
  return { file, hash };
}

describe('the cache of imported password hashes', { timeout: 10_000 }, () => {
  test('a later start gets the same hash back for the same user, password and parameters', async () => {
    const { file, hash } = await savedWithMario();
    const again = await PasswordHashCache.open(file);
    assert.equal(again.get('techstore/mario', 'mario123', CHEAP), hash);
    assert.equal(await verifyPassword('mario123', hash), true);
  });

  test('another password, other parameters or another user miss', async () => {
    const { file } = await savedWithMario();
    const again = await PasswordHashCache.open(file);
    assert.equal(again.get('techstore/mario', 'mario124', CHEAP), undefined);
    assert.equal(again.get('techstore/mario', 'mario123', { ...CHEAP, N: 2048 }), undefined);
    assert.equal(again.get('techstore/mario', 'mario123', { ...CHEAP, r: 4 }), undefined);
    assert.equal(again.get('techstore/luigi', 'mario123', CHEAP), undefined);
    assert.equal(again.get('master/mario', 'mario123', CHEAP), undefined);
  });

  test('the file holds neither the password nor a hash of other parameters than the key names', async () => {
    const { file } = await savedWithMario();
    const content = readFileSync(file, 'utf8');
    assert.doesNotMatch(content, /mario123/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // An entry whose hash names other parameters than its key is refused, not used.
    const stored = JSON.parse(content) as { entries: Record<string, string> };
    const [id] = Object.keys(stored.entries);
    stored.entries[id!] = await hashPassword('mario123', { ...CHEAP, N: 512 });
    writeFileSync(file, JSON.stringify(stored));
    assert.equal((await PasswordHashCache.open(file)).get('techstore/mario', 'mario123', CHEAP), undefined);
  });

  test('entries a start did not use are dropped when it saves; an unchanged cache is not rewritten', async () => {
    const { file, hash } = await savedWithMario();
    const second = await PasswordHashCache.open(file);
    assert.equal(second.get('techstore/mario', 'mario123', CHEAP), hash);
    const before = statSync(file).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await second.save();
    assert.equal(statSync(file).mtimeMs, before, 'rewritten although nothing changed');

    const third = await PasswordHashCache.open(file);
    third.set('techstore/luigi', 'luigi123', CHEAP, await hashPassword('luigi123', CHEAP));
    await third.save(); // mario was not asked for: his password left the realm
    const fourth = await PasswordHashCache.open(file);
    assert.equal(fourth.get('techstore/mario', 'mario123', CHEAP), undefined);
    assert.ok(fourth.get('techstore/luigi', 'luigi123', CHEAP));
  });

  test('hashes added while an earlier one is being written all reach the file', async () => {
    const file = newFile();
    const cache = await PasswordHashCache.open(file);
    const users = ['mario', 'luigi', 'peach', 'toad'];
    const hashes = await Promise.all(users.map((user) => hashPassword(`${user}123`, CHEAP)));
    for (const [index, user] of users.entries()) {
      cache.set(`techstore/${user}`, `${user}123`, CHEAP, hashes[index]!);
      await new Promise((resolve) => setImmediate(resolve)); // the previous write is under way
    }
    await cache.saved();
    const again = await PasswordHashCache.open(file);
    for (const [index, user] of users.entries())
      assert.equal(again.get(`techstore/${user}`, `${user}123`, CHEAP), hashes[index], user);
  });

  test('a damaged file is an empty cache, replaced at the next save', async () => {
    const file = newFile();
    const cache = await PasswordHashCache.open(file); // creates the folder on save
    cache.set('techstore/mario', 'mario123', CHEAP, await hashPassword('mario123', CHEAP));
    await cache.save();
    writeFileSync(file, '{"version":1,"key":');
    const damaged = await PasswordHashCache.open(file);
    assert.equal(damaged.get('techstore/mario', 'mario123', CHEAP), undefined);
    damaged.set('techstore/mario', 'mario123', CHEAP, await hashPassword('mario123', CHEAP));
    await damaged.save();
    assert.ok((await PasswordHashCache.open(file)).get('techstore/mario', 'mario123', CHEAP));
  });
});
