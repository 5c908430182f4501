import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, captureLogs, type TestDatabase } from '@mockmart/service-kit/testing';
import { OAuthRefused, type TokenSet } from '../idp/oidc-client.ts';
import { fakeAccessToken } from '../testing/test-gateway.ts';
import { createSessionSealer } from './session-crypto.ts';
import { createSessionStore } from './session-store.ts';
import { createTokenRefresher } from './token-refresh.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);
/** A signed-in session whose access token 'old' expires at `expiresAt`, refresh token 'refresh-1'. */
function signedIn(store: ReturnType<typeof createSessionStore>, expiresAt: number) {
  return store.create({
    secrets: {
      user: { id: 'u1', username: 'mario', name: 'Mario', email: undefined, roles: [], canCheckout: true },
      tokens: { accessToken: 'old', refreshToken: 'refresh-1', accessTokenExpiresAt: expiresAt },
    },
    sid: 'sid-1',
    sub: 'u1',
  });
}

const LIFETIMES = {
  idleMs: 1_800_000,
  absoluteMs: 28_800_000,
  anonymousMs: 604_800_000,
  emptyAnonymousMs: 900_000,
};

describe('token refresh across replicas', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
  });
  after(async () => database?.drop());

  test('while replica A refreshes, replica B serves with the still-valid token, then adopts the stored new tokens; an unrelated write meanwhile does not let B refresh too', async () => {
    const clock = Date.now();
    const store = createSessionStore({
      db: database.db,
      sealer: createSessionSealer('k'.repeat(40)),
      lifetimes: LIFETIMES,
      now: () => clock,
    });
    // Like Keycloak with refresh-token rotation: a refresh token works once, a reuse is invalid_grant.
    const used = new Set<string>();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const oidc = {
      async isRefreshTokenActive(refreshToken: string): Promise<boolean> {
        return !used.has(refreshToken);
      },
      async refresh(refreshToken: string): Promise<TokenSet> {
        if (used.has(refreshToken)) throw new OAuthRefused('invalid_grant');
        used.add(refreshToken);
        entered();
        await held;
        return {
          accessToken: await fakeAccessToken(),
          refreshToken: 'refresh-2',
          expiresIn: 300,
          idTokenClaims: undefined,
        };
      },
    };
    const { logger } = captureLogs('gateway', 'debug');
    const replica = () =>
      createTokenRefresher({ store, oidc, refreshAheadMs: 30_000, now: () => clock, logger, pollMs: 10 });
    const session = await signedIn(store, clock + 10_000);

    const first = replica().ensureFresh((await store.load(session.id))!);
    await started; // replica A holds the lease and waits for the idp
    const other = (await store.load(session.id))!;
    other.data.cartId = 'cart-0000000000000000';
    assert.equal(await store.save(other), true, 'an unrelated write (a cart id) lands meanwhile');
    const secondReplica = replica();
    const second = await Promise.race([
      secondReplica.ensureFresh((await store.load(session.id))!),
      new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 2000)),
    ]);
    assert.ok(second !== 'waiting', 'replica B does not wait for A while its access token is valid');
    assert.equal(second?.secrets.tokens?.accessToken, 'old', 'B serves with the still-valid token');
    release();

    const a = await first;
    assert.equal(a?.secrets.tokens?.refreshToken, 'refresh-2', 'replica A stored the new tokens');
    const adopted = await secondReplica.ensureFresh((await store.load(session.id))!);
    assert.equal(adopted?.secrets.tokens?.refreshToken, 'refresh-2', 'B then adopts the stored tokens');
    const stored = await store.load(session.id);
    assert.ok(stored, 'the session survives');
    assert.equal(stored.secrets.tokens?.refreshToken, 'refresh-2');
    assert.equal(stored.data.cartId, 'cart-0000000000000000', 'the unrelated write is kept');
    assert.deepEqual([...used], ['refresh-1'], 'one refresh at the idp');
  });

  /**
   * A replica that stopped while holding the lease is stood for by a lease left in the row; the
   * idp is a fake with Keycloak's rotation (a refresh token works once; introspection says so).
   */
  async function strandedLease(options: { spentByTheStoppedReplica: boolean }) {
    let clock = Date.now();
    const store = createSessionStore({
      db: database.db,
      sealer: createSessionSealer('k'.repeat(40)),
      lifetimes: LIFETIMES,
      now: () => clock,
    });
    const spent = new Set<string>(options.spentByTheStoppedReplica ? ['refresh-1'] : []);
    const sentToIdp: string[] = [];
    const oidc = {
      async isRefreshTokenActive(refreshToken: string): Promise<boolean> {
        return !spent.has(refreshToken);
      },
      async refresh(refreshToken: string): Promise<TokenSet> {
        sentToIdp.push(refreshToken);
        if (spent.has(refreshToken)) throw new OAuthRefused('invalid_grant');
        spent.add(refreshToken);
        return {
          accessToken: await fakeAccessToken(),
          refreshToken: 'refresh-2',
          expiresIn: 300,
          idTokenClaims: undefined,
        };
      },
    };
    const session = await signedIn(store, clock + 20_000);
    assert.equal(await store.claimRefresh(session, 10_000), 'claimed', 'the replica that then stopped');
    const { logger } = captureLogs('gateway', 'debug');
    const survivor = createTokenRefresher({ store, oidc, refreshAheadMs: 30_000, now: () => clock, logger });
    return {
      store,
      session,
      survivor,
      sentToIdp,
      advance: (ms: number) => (clock += ms),
    };
  }

  test('a lease left by a replica that stopped before reaching the idp is taken over once it runs out: one refresh, the session lives on', async () => {
    const { store, session, survivor, sentToIdp, advance } = await strandedLease({
      spentByTheStoppedReplica: false,
    });
    const during = await survivor.ensureFresh((await store.load(session.id))!);
    assert.equal(during?.secrets.tokens?.accessToken, 'old', 'served at once while the lease runs');
    assert.deepEqual(sentToIdp, [], 'no refresh while another replica holds the lease');
    advance(11_000);
    const after = await survivor.ensureFresh((await store.load(session.id))!);
    assert.equal(after?.secrets.tokens?.refreshToken, 'refresh-2');
    assert.deepEqual(sentToIdp, ['refresh-1'], 'exactly one refresh, with the unspent token');
  });

  test('a lease left by a replica that stopped after the idp rotated the token: the used token is not sent again and the user stays signed in while the access token lasts', async () => {
    const { store, session, survivor, sentToIdp, advance } = await strandedLease({
      spentByTheStoppedReplica: true,
    });
    advance(11_000); // the lease has run out; the access token is valid for 9 s more
    const after = await survivor.ensureFresh((await store.load(session.id))!);
    assert.ok(after, 'the session is not ended');
    assert.equal(after.secrets.tokens?.accessToken, 'old', 'the still-valid access token serves');
    assert.deepEqual(sentToIdp, [], 'the spent refresh token is not sent to the idp');
    assert.ok(await store.load(session.id), 'the row is kept');
  });
});
