import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeAccessToken } from '../testing/test-gateway.ts';
import { userFromTokens } from './user-profile.ts';

describe('userFromTokens', { timeout: 5_000 }, () => {
  test('canCheckout comes from the realm role can-checkout', async () => {
    const user = userFromTokens(
      { sub: 'u1', name: 'Mario Rossi', email: 'm@example.com' },
      await fakeAccessToken({ realm_access: { roles: ['user', 'can-checkout'] } }),
    );
    assert.deepEqual(user, {
      id: 'u1',
      username: 'mario',
      name: 'Mario Rossi',
      email: 'm@example.com',
      roles: ['user', 'can-checkout'],
      canCheckout: true,
    });
  });

  for (const legacy of [true, 'true', 'TRUE', ['true']]) {
    test(`or from the legacy canCheckout claim ${JSON.stringify(legacy)}`, async () => {
      const user = userFromTokens(
        undefined,
        await fakeAccessToken({ realm_access: { roles: ['user'] }, canCheckout: legacy }),
      );
      assert.equal(user.canCheckout, true);
    });
  }

  for (const denied of [false, 'false', ['false'], ['true', 'true'], 'yes', 1, undefined]) {
    test(`and is false for ${JSON.stringify(denied)} without the role`, async () => {
      const user = userFromTokens(
        undefined,
        await fakeAccessToken({ realm_access: { roles: ['user'] }, canCheckout: denied }),
      );
      assert.equal(user.canCheckout, false);
    });
  }

  test('keeps the previous profile fields when a refresh brings no ID token', async () => {
    const previous = {
      id: 'u1',
      username: 'mario',
      name: 'Mario',
      email: 'm@example.com',
      roles: ['user'],
      canCheckout: false,
    };
    const user = userFromTokens(
      undefined,
      await fakeAccessToken({
        sub: 'u1',
        preferred_username: undefined,
        realm_access: { roles: ['user', 'can-checkout'] },
      }),
      previous,
    );
    assert.equal(user.name, 'Mario');
    assert.equal(user.canCheckout, true, 'roles always come from the newest access token');
  });
});
