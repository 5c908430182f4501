import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '@mockmart/auth';
import { profileCaching } from './routes.ts';

const NOW_MS = 1_800_000_000_000;
const expiringIn = (seconds: number) => ({ expiresAt: NOW_MS / 1000 + seconds }) as Principal;

test('the gateway may keep a profile for its token a minute at most, never past the token; nobody else', () => {
  assert.deepEqual(profileCaching(expiringIn(300), NOW_MS), {
    'cache-control': 'private, no-store',
    'gateway-cache-control': 'max-age=60',
    vary: 'authorization',
  });
  assert.deepEqual(profileCaching(expiringIn(12.5), NOW_MS), {
    'cache-control': 'private, no-store',
    'gateway-cache-control': 'max-age=12',
    vary: 'authorization',
  });
});

test('a profile for a token in its last second (or past it, within clock tolerance) is not kept', () => {
  for (const seconds of [0.9, 0, -20])
    assert.deepEqual(profileCaching(expiringIn(seconds), NOW_MS), { 'cache-control': 'private, no-store' });
});
