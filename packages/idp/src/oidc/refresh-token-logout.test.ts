import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Idp } from '../index.ts';
import { SECRETS, basic, oidcUrl, postForm, startTestIdp } from '../testing/index.ts';

describe('logout with a refresh token (a client without a browser)', { timeout: 30_000 }, () => {
  let idp: Idp;
  before(async () => {
    idp = await startTestIdp();
  });
  after(async () => idp?.close());

  const login = async () => {
    const response = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'mario',
      password: 'mario123',
      scope: 'openid',
    });
    return (response.body as { refresh_token: string }).refresh_token;
  };

  test('ends the user session: 204, and the refresh token is dead afterwards', async () => {
    const refreshToken = await login();
    const logout = await postForm(oidcUrl(idp, 'logout'), {
      client_id: 'techstore-cli',
      refresh_token: refreshToken,
    });
    assert.equal(logout.status, 204);
    const refresh = await postForm(oidcUrl(idp, 'token'), {
      grant_type: 'refresh_token',
      client_id: 'techstore-cli',
      refresh_token: refreshToken,
    });
    assert.equal(refresh.status, 400);
    assert.equal((refresh.body as { error: string }).error, 'invalid_grant');
  });

  test('another client cannot end a session with a token that is not its own', async () => {
    const refreshToken = await login();
    const logout = await postForm(
      oidcUrl(idp, 'logout'),
      { refresh_token: refreshToken },
      basic('gateway', SECRETS.GATEWAY_CLIENT_SECRET),
    );
    assert.equal(logout.status, 400);
    assert.equal((logout.body as { error: string }).error, 'invalid_grant');
  });

  test('a confidential client must authenticate', async () => {
    const logout = await postForm(oidcUrl(idp, 'logout'), { client_id: 'gateway', refresh_token: 'x' });
    assert.equal(logout.status, 401);
  });
});
