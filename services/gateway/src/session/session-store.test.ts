import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@mockmart/service-kit/testing';
import { createSessionSealer } from './session-crypto.ts';
import { createSessionStore } from './session-store.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
const KEY = 'k'.repeat(40);

describe('session store (PostgreSQL)', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  let clock = Date.now();
  const lifetimes = {
    idleMs: 60_000 * 30,
    absoluteMs: 3_600_000 * 8,
    anonymousMs: 3_600_000 * 24,
    emptyAnonymousMs: 3_600_000 * 24,
  };
  const store = () =>
    createSessionStore({ db: database.db, sealer: createSessionSealer(KEY), lifetimes, now: () => clock });
  const signedIn = {
    user: {
      id: 'u1',
      username: 'mario',
      name: 'Mario',
      email: 'mario@example.com',
      roles: ['user'],
      canCheckout: true,
    },
    tokens: {
      accessToken: 'ACCESS-SECRET-VALUE',
      refreshToken: 'REFRESH-SECRET-VALUE',
      accessTokenExpiresAt: clock + 300_000,
    },
  };

  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
  });
  after(async () => database?.drop());

  test('stores only the id hash and seals tokens and profile at rest', async () => {
    const session = await store().create({ secrets: signedIn, sid: 'sid-1', sub: 'u1' });
    const { rows } = await database.db.query<Record<string, unknown>>(
      'SELECT * FROM gateway_sessions WHERE id_hash = $1',
      [session.idHash],
    );
    const raw = JSON.stringify(rows);
    assert.equal(rows.length, 1);
    assert.ok(!raw.includes(session.id), 'the cookie value is not stored');
    for (const secret of ['ACCESS-SECRET-VALUE', 'REFRESH-SECRET-VALUE', 'mario@example.com'])
      assert.ok(!raw.includes(secret), `${secret} is sealed`);
    const loaded = await store().load(session.id);
    assert.equal(loaded?.secrets.tokens?.accessToken, 'ACCESS-SECRET-VALUE');
    assert.equal(loaded?.secrets.user?.email, 'mario@example.com');
  });

  test('a sealed value does not open under another key or in another row', async () => {
    const session = await store().create({ secrets: signedIn });
    const other = createSessionStore({
      db: database.db,
      sealer: createSessionSealer('x'.repeat(40)),
      lifetimes,
      now: () => clock,
    });
    assert.equal(await other.load(session.id), undefined);
    assert.equal(await store().load(session.id), undefined, 'an unreadable session is deleted');

    const a = await store().create({ secrets: signedIn });
    const b = await store().create({ secrets: signedIn });
    await database.db.query(
      'UPDATE gateway_sessions SET secrets = (SELECT secrets FROM gateway_sessions WHERE id_hash = $1) WHERE id_hash = $2',
      [a.idHash, b.idHash],
    );
    assert.equal(await store().load(b.id), undefined, 'sealed secrets are bound to their row');
  });

  test('unknown and malformed ids load nothing', async () => {
    assert.equal(await store().load('A'.repeat(43)), undefined);
    assert.equal(await store().load("' OR 1=1 --"), undefined);
  });

  test('an idle session expires; activity slides the expiry up to the absolute limit', async () => {
    const session = await store().create({ secrets: signedIn });
    clock += 20 * 60_000;
    assert.ok(await store().load(session.id), 'still alive after 20 minutes');
    clock += 20 * 60_000;
    assert.ok(await store().load(session.id), 'the previous load extended it');
    clock += 31 * 60_000;
    assert.equal(await store().load(session.id), undefined, 'gone after 31 idle minutes');
  });

  test('save is optimistic: the second writer of the same version loses', async () => {
    const session = await store().create({ secrets: signedIn });
    const first = await store().load(session.id);
    const second = await store().load(session.id);
    assert.ok(first && second);
    first.data.cartId = 'cart-first-0000000';
    assert.equal(await store().save(first), true);
    second.data.cartId = 'cart-second-000000';
    assert.equal(await store().save(second), false);
    assert.equal((await store().load(session.id))?.data.cartId, 'cart-first-0000000');
  });

  test('back-channel logout ends sessions by sid, or by sub when no sid is given', async () => {
    const s1 = await store().create({ secrets: signedIn, sid: 'idp-a', sub: 'user-x' });
    const s2 = await store().create({ secrets: signedIn, sid: 'idp-b', sub: 'user-x' });
    const s3 = await store().create({ secrets: signedIn, sid: 'idp-c', sub: 'user-y' });
    assert.equal(await store().destroyByIdpSession({ sid: 'idp-a', sub: 'user-x' }), 1);
    assert.equal(await store().load(s1.id), undefined);
    assert.ok(await store().load(s2.id));
    assert.equal(await store().destroyByIdpSession({ sub: 'user-x' }), 1);
    assert.equal(await store().load(s2.id), undefined);
    assert.ok(await store().load(s3.id));
    assert.equal(await store().destroyByIdpSession({}), 0);
  });

  test("with a read cache: repeated loads skip the database, and this replica's writes and logouts show at once", async () => {
    let queries = 0;
    const counted = {
      query: (sql: string, params?: unknown[]) => ((queries += 1), database.db.query(sql, params)),
    } as typeof database.db;
    const cached = createSessionStore({
      db: counted,
      sealer: createSessionSealer(KEY),
      lifetimes,
      now: () => clock,
      cacheMs: 60_000,
    });
    const session = await cached.create({ secrets: signedIn, sid: 'cache-sid', sub: 'cache-sub' });
    queries = 0;
    for (let i = 0; i < 5; i += 1) assert.equal((await cached.load(session.id))?.sid, 'cache-sid');
    assert.equal(queries, 1, 'one read, then the cache');

    const copy = await cached.load(session.id);
    assert.ok(copy);
    copy.data.cartId = 'mutated-not-saved-000';
    assert.equal((await cached.load(session.id))?.data.cartId, undefined, 'callers get copies');
    copy.data.cartId = 'saved-cart-id-0000000';
    assert.ok(await cached.save(copy));
    assert.equal((await cached.load(session.id))?.data.cartId, 'saved-cart-id-0000000');

    assert.equal(await cached.destroyByIdpSession({ sid: 'cache-sid' }), 1);
    assert.equal(await cached.load(session.id), undefined, 'a back-channel logout evicts at once');
    const other = await cached.create({ secrets: signedIn, sub: 'cache-sub-2' });
    await cached.load(other.id);
    await cached.destroy(other.idHash);
    assert.equal(await cached.load(other.id), undefined);
  });
});
