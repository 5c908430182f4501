import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PENDING_LOGINS, SessionStore, type AuthRequest } from './session-store.ts';

const REQUEST: AuthRequest = {
  clientId: 'gateway',
  redirectUri: 'http://localhost:8080/bff/callback',
  responseType: 'code',
  responseMode: 'query',
  scope: 'openid',
};

test('pending logins are bounded: past the limit the oldest is dropped, the newest kept', () => {
  const store = new SessionStore(() => 0);
  const first = store.createAuthSession('techstore', REQUEST);
  const second = store.createAuthSession('techstore', REQUEST);
  for (let i = 2; i < MAX_PENDING_LOGINS + 5; i++) store.createAuthSession('techstore', REQUEST);
  const newest = store.createAuthSession('techstore', { ...REQUEST, state: 'latest' });

  assert.equal(store.authSessions.size, MAX_PENDING_LOGINS);
  assert.equal(store.authSessions.has(first.id), false, 'the oldest pending login was dropped');
  assert.equal(store.authSessions.has(second.id), false);
  assert.equal(store.authSessions.get(newest.id)?.request.state, 'latest');
});
