/**
 * Access-token verification throughput, side by side in one run:
 *   raw jose jwtVerify (createLocalJWKSet over the same JWKS, same checks)
 *   @mockmart/auth on distinct tokens   (target ≥ 0.9× raw jose)
 *   @mockmart/auth on repeated tokens   (target ≥ 10× raw jose; verified-token cache)
 * Bounded: a few seconds in total. Run: node bench/auth-verify.bench.ts
 */
import { loadavg } from 'node:os';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createAccessTokenVerifier } from '@mockmart/auth';
import { silentLogger, startTestIssuer } from '@mockmart/auth/testing';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 6000);
const SLICE = 1500;
const CONCURRENCY = 64;
const TRIALS = Number(process.env.BENCH_TRIALS ?? 12);

interface Sample {
  opsPerSec: number;
  /** Process CPU (main thread + crypto thread pool) per operation: robust when other processes load the machine. */
  cpuUsPerOp: number;
  /** Main-thread CPU per operation: where the verifier's own work (beyond jose and the crypto) shows. */
  mainUsPerOp: number;
}

async function run(items: readonly string[], verify: (token: string) => Promise<unknown>): Promise<Sample> {
  let next = 0;
  const cpu = process.cpuUsage();
  const main = process.threadCpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await verify(items[next++] as string);
    }),
  );
  const used = process.cpuUsage(cpu);
  const usedMain = process.threadCpuUsage(main);
  return {
    opsPerSec: items.length / (Number(process.hrtime.bigint() - started) / 1e9),
    cpuUsPerOp: (used.user + used.system) / items.length,
    mainUsPerOp: (usedMain.user + usedMain.system) / items.length,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const issuer = await startTestIssuer({ algorithms: ['RS256'] });
try {
  const tokens: string[] = [];
  for (let i = 0; i < TOKENS; i += 200) {
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(200, TOKENS - i) }, (_, j) =>
          issuer.userToken({ username: `user${i + j}`, audience: 'shop-api' }),
        ),
      )),
    );
  }
  const jwks = createLocalJWKSet(issuer.jwks() as Parameters<typeof createLocalJWKSet>[0]);
  const joseOptions = {
    issuer: issuer.issuer,
    audience: 'shop-api',
    algorithms: ['RS256', 'PS256', 'ES256'],
    clockTolerance: 30,
    requiredClaims: ['exp', 'iat', 'sub'],
  };
  const freshVerifier = async () => {
    const verifier = createAccessTokenVerifier({
      idp: issuer.idp,
      audience: 'shop-api',
      logger: silentLogger,
    });
    await verifier.ready();
    return verifier;
  };
  const joseVerify = (token: string) => jwtVerify(token, jwks, joseOptions);

  // Warm-up (JIT, key import), not counted.
  const warm = await freshVerifier();
  await run(tokens.slice(0, 500), joseVerify);
  await run(tokens.slice(0, 500), (token) => warm.verify(token));

  // Interleaved A/B trials on the same token slices: the per-pair ratio is robust to load drifting
  // on a shared machine; a fresh verifier per trial guarantees every verification is a cache miss.
  const jose: Sample[] = [];
  const distinct: Sample[] = [];
  const repeated: Sample[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const slice = tokens.slice((trial % (TOKENS / SLICE)) * SLICE, ((trial % (TOKENS / SLICE)) + 1) * SLICE);
    const verifier = await freshVerifier();
    const runJose = () => run(slice, joseVerify);
    const runOurs = () => run(slice, (token) => verifier.verify(token));
    if (trial % 2 === 0) {
      jose.push(await runJose());
      distinct.push(await runOurs());
    } else {
      distinct.push(await runOurs());
      jose.push(await runJose());
    }
    if (verifier.stats.cacheHits !== 0) throw new Error('distinct run hit the cache');
    const hot = Array.from({ length: SLICE * 10 }, (_, i) => slice[i % 100] as string);
    repeated.push(await run(hot, (token) => verifier.verify(token)));
  }
  const ops = (samples: Sample[]) => median(samples.map((sample) => sample.opsPerSec));
  const cpu = (samples: Sample[]) => median(samples.map((sample) => sample.cpuUsPerOp));
  const mainCpu = (samples: Sample[]) => median(samples.map((sample) => sample.mainUsPerOp));
  const wallRatio = (samples: Sample[]) =>
    median(samples.map((sample, i) => sample.opsPerSec / (jose[i] as Sample).opsPerSec));
  const cpuRatio = (samples: Sample[]) =>
    median(samples.map((sample, i) => (jose[i] as Sample).cpuUsPerOp / sample.cpuUsPerOp));
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
  const row = (label: string, samples: Sample[], target: string) =>
    `  ${label.padEnd(28)} ${fmt(ops(samples))} ops/s  ${cpu(samples).toFixed(1).padStart(6)} µs CPU/op (${mainCpu(samples).toFixed(1).padStart(5)} main thread)  ${wallRatio(samples).toFixed(2).padStart(6)}× wall  ${cpuRatio(samples).toFixed(2).padStart(6)}× CPU  ${target}`;
  console.log(
    `access-token verification, RS256, ${CONCURRENCY} in flight, median of ${TRIALS} interleaved trials (Node ${process.version}, load avg ${loadavg()[0]?.toFixed(1)})`,
  );
  console.log(row('raw jose jwtVerify', jose, ''));
  console.log(row('@mockmart/auth, distinct', distinct, '(target ≥ 0.90×)'));
  console.log(row('@mockmart/auth, repeated', repeated, '(target ≥ 10×)'));
  console.log(
    '  (× = median over trials of the per-trial ratio to raw jose: throughput for wall, jose CPU/op ÷ ours for CPU, which other processes do not distort)',
  );
} finally {
  await issuer.close();
}
