import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, captureLogs, type TestDatabase } from '@mockmart/service-kit/testing';
import { OAuthRefused, type TokenSet } from '../login/oidc-client.ts';
import { fakeAccessToken } from '../testing/test-gateway.ts';
import { createSessionSealer } from './session-crypto.ts';
import { createSessionStore } from './session-store.ts';
import { createTokenRefresher } from './token-refresh.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

describe('token refresh across replicas', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase({ migrationsDir: MIGRATIONS });
  });
  after(async () => database?.drop());

  test('an unrelated session write during a refresh does not let another replica refresh the same token', async () => {
    const clock = Date.now();
    const store = createSessionStore({
      db: database.db,
      sealer: createSessionSealer('k'.repeat(40)),
      lifetimes: {
        idleMs: 1_800_000,
        absoluteMs: 28_800_000,
        anonymousMs: 604_800_000,
        emptyAnonymousMs: 900_000,
      },
      now: () => clock,
    });
    // Like Keycloak with refresh-token rotation: a refresh token works once, a reuse is invalid_grant.
    const used = new Set<string>();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const oidc = {
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
    const session = await store.create({
      secrets: {
        user: { id: 'u1', username: 'mario', name: 'Mario', email: undefined, roles: [], canCheckout: true },
        tokens: { accessToken: 'old', refreshToken: 'refresh-1', accessTokenExpiresAt: clock + 10_000 },
      },
      sid: 'sid-1',
      sub: 'u1',
    });

    const first = replica().ensureFresh((await store.load(session.id))!);
    await started; // replica A holds the lease and waits for the idp
    const other = (await store.load(session.id))!;
    other.data.cartId = 'cart-0000000000000000';
    assert.equal(await store.save(other), true, 'an unrelated write (a cart id) lands meanwhile');
    const second = replica().ensureFresh((await store.load(session.id))!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();

    const [a, b] = await Promise.all([first, second]);
    assert.equal(a?.secrets.tokens?.refreshToken, 'refresh-2', 'replica A stored the new tokens');
    assert.equal(b?.secrets.tokens?.refreshToken, 'refresh-2', 'replica B waited for them');
    const stored = await store.load(session.id);
    assert.ok(stored, 'the session survives');
    assert.equal(stored.secrets.tokens?.refreshToken, 'refresh-2');
    assert.equal(stored.data.cartId, 'cart-0000000000000000', 'the unrelated write is kept');
    assert.deepEqual([...used], ['refresh-1'], 'one refresh at the idp');
  });
});
