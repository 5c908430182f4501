/**
 * The allow-list's matching and its staleness rule, without either side: what `where` patterns
 * cover, and which entries a run's differences no longer justify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patternOf, staleAmong } from './support/compare.ts';

test('a where pattern: * is any run, {a,b} either alternative (itself a pattern), the rest literal', () => {
  const pattern = patternOf('{code-flow,password *} */refresh_token/claims/{aud_x,prov}');
  assert.ok(pattern.test('code-flow /token/body/refresh_token/claims/aud_x'));
  assert.ok(pattern.test('password mario openid /body/refresh_token/claims/prov'));
  assert.ok(!pattern.test('refresh /rotated/body/refresh_token/claims/prov'), 'a case not named');
  assert.ok(!pattern.test('code-flow /token/body/refresh_token/claims/sid'), 'a claim not named');
  assert.ok(!patternOf('jwks /body/keys/x5c').test('jwks /body/keys/x5cx'), 'anchored at the end');
  assert.ok(!patternOf('a.b /c').test('axb /c'), 'a dot is literal');
});

test('an entry whose case ran without its difference is stale; one whose case did not run is not judged', () => {
  const entries = [
    { where: 'code-flow */code', reason: 'the code is opaque' },
    { where: '{refresh,password *} */refresh_token/header/kid', reason: 'the key ids differ in form' },
    { where: 'discovery /body/*', reason: 'discovery lists what is implemented' },
  ];
  const stale = staleAmong(
    entries,
    ['code-flow', 'password mario openid'],
    ['code-flow /redirect/code', 'password mario openid /body/refresh_token/claims/prov'],
  );
  assert.deepEqual(
    stale.map((entry) => entry.where),
    ['{refresh,password *} */refresh_token/header/kid'],
  );
  assert.deepEqual(staleAmong(entries, [], []), [], 'nothing compared, nothing judged');
});
