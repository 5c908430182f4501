import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csrfTokenForWrite, setCsrfToken } from './csrf.ts';

test('a write made before the session is known waits for it, then carries its token', async () => {
  let settled = false;
  const pending = csrfTokenForWrite().then((token) => {
    settled = true;
    return token;
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false, 'no token yet, and no answer from /bff/user either');
  setCsrfToken('csrf-from-bff-user');
  assert.equal(await pending, 'csrf-from-bff-user');
  setCsrfToken(undefined); // signed out
  assert.equal(await csrfTokenForWrite(), undefined);
});
