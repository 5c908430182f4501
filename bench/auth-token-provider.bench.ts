/**
 * Token-endpoint requests per 1,000 concurrent getToken calls on a cold cache (target: exactly 1),
 * against the real loopback test issuer. Run: node bench/auth-token-provider.bench.ts
 */
import { createTokenProvider } from '@mockmart/auth';
import { silentLogger, startTestIssuer } from '@mockmart/auth/testing';

const CALLERS = 1000;
const ROUNDS = 5;
const issuer = await startTestIssuer({ algorithms: ['RS256'] });
try {
  const results: Array<{ requests: number; ms: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    issuer.resetCounts();
    const tokens = createTokenProvider({
      tokenEndpoint: issuer.idp.tokenEndpoint,
      clientId: 'shop-api',
      clientSecret: issuer.clientSecret('shop-api'),
      logger: silentLogger,
    });
    const started = performance.now();
    const issued = await Promise.all(
      Array.from({ length: CALLERS }, () => tokens.getToken({ scope: 'payment-api' })),
    );
    const ms = performance.now() - started;
    if (new Set(issued).size !== 1) throw new Error('callers received different tokens');
    results.push({ requests: issuer.counts.token, ms });
  }
  console.log(
    `token provider, ${CALLERS} concurrent getToken calls on a cold cache, ${ROUNDS} rounds (Node ${process.version})`,
  );
  for (const [i, r] of results.entries())
    console.log(
      `  round ${i + 1}: ${r.requests} token-endpoint request(s), all callers served in ${r.ms.toFixed(1)} ms`,
    );
  const worst = Math.max(...results.map((r) => r.requests));
  console.log(`  token-endpoint requests per ${CALLERS} callers: ${worst} (target exactly 1)`);
  if (worst !== 1) process.exitCode = 1;
} finally {
  await issuer.close();
}
