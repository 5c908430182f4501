import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccessTokenVerifier } from '../index.ts';
import { startTestIssuer } from '../testing/index.ts';
import { createConsoleLogger } from './logger.ts';

describe('default logger', { timeout: 10_000 }, () => {
  test('a verifier built without a logger writes the rejection reason to stderr, never the token', async (t) => {
    const issuer = await startTestIssuer();
    try {
      const lines: string[] = [];
      t.mock.method(console, 'warn', (line: string) => lines.push(line));
      const verifier = createAccessTokenVerifier({ idp: issuer.idp, audience: 'payment-service' });
      const token = await issuer.userToken({ audience: 'shop-api' });
      await assert.rejects(verifier.verify(token), { reason: 'aud_mismatch' });
      const rejection = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.ok(
        rejection.some(
          (entry) =>
            entry.reason === 'aud_mismatch' && /aud_mismatch/.test(String(entry.detail)) && entry.msg,
        ),
        `no reason line in ${lines.join('\n')}`,
      );
      assert.ok(!lines.join('\n').includes(token), 'a token must never be logged');
    } finally {
      await issuer.close();
    }
  });

  test('a flood of rejections is rate-limited per message and the suppressed count is reported', () => {
    const lines: string[] = [];
    const clock = { now: 0 };
    const logger = createConsoleLogger({
      write: (line) => lines.push(line),
      linesPerWindow: 5,
      windowMs: 60_000,
      now: () => clock.now,
    });
    for (let i = 0; i < 10_000; i++) logger.info({ reason: 'signature' }, 'access token rejected');
    logger.warn({ jwksUri: 'x' }, 'JWKS fetch failed');
    assert.equal(lines.length, 6, 'five rejection lines, and another message still gets through');
    clock.now += 60_000;
    logger.info({ reason: 'expired' }, 'access token rejected');
    const last = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    assert.equal(last.reason, 'expired');
    assert.equal(last.suppressed, 9_995);
  });
});
