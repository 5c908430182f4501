/**
 * The chaos run of `npm run chaos`, for one fixed seed and a size that fits CI (a few minutes on a
 * busy 2-core machine): real processes, real kills and fault switches, invariants read from the
 * services' own databases. Its outcome is deterministic — every invariant holds — though its
 * timings are not. Other seeds: `npm run chaos -- --seed S --checkouts N`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport } from './report.ts';
import { runChaos } from './run.ts';
import { postgresReachable } from '../system/support/databases.ts';

const SEED = 16;
const CHECKOUTS = 48;
const SHOPPERS = 12;

test(
  `chaos seed ${SEED}: ${CHECKOUTS} checkouts from ${SHOPPERS} shoppers through kills, stops and fault switches leave every invariant holding`,
  { skip: (await postgresReachable()) ? false : 'needs PostgreSQL on 127.0.0.1:5432', timeout: 300_000 },
  async (t) => {
    const started = Date.now();
    const result = await runChaos({
      seed: SEED,
      checkouts: CHECKOUTS,
      shoppers: SHOPPERS,
      settleTimeoutMs: 90_000,
    });
    const report = formatReport(result, { verbose: result.violations.length > 0 });
    t.diagnostic(`chaos run took ${Math.round((Date.now() - started) / 1000)} s`);
    for (const line of report.split('\n')) t.diagnostic(line);
    assert.equal(result.timeline.filter((e) => e.what.endsWith('killed')).length, 6, 'six kills happened');
    assert.ok(
      result.data.orders.some((o) => o.status === 'confirmed'),
      'some orders went through',
    );
    assert.deepEqual(
      result.violations.map((v) => `${v.invariant}: ${v.ids.join(', ')}`),
      [],
      report,
    );
  },
);
