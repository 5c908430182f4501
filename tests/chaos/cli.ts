/**
 * `npm run chaos -- --seed 7 --checkouts 150 [--shoppers 20] [--settle-timeout 180] [--verbose]`
 *
 * Starts MockMart as real processes, runs the seeded traffic and fault timeline (plan.ts), waits
 * for recovery, checks the invariants in the services' databases and prints the report. Exits 1 on
 * any violation, 2 on bad arguments, 3 when the run itself could not be carried out (a part that
 * never got ready, …). The same seed gives the same plan; timings differ per machine.
 */
import { parseArgs } from 'node:util';
import { formatReport } from './report.ts';
import { runChaos } from './run.ts';

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      checkouts: { type: 'string', default: '150' },
      shoppers: { type: 'string', default: '20' },
      'settle-timeout': { type: 'string', default: '180' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const number = (name: string, text: string | undefined) => {
    const value = Number(text);
    if (text === undefined || !Number.isSafeInteger(value) || value < 0)
      throw new Error(`--${name} needs a non-negative integer, got ${text ?? 'nothing'}`);
    return value;
  };
  return {
    seed: values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : number('seed', values.seed),
    checkouts: number('checkouts', values.checkouts),
    shoppers: number('shoppers', values.shoppers),
    settleTimeoutMs: number('settle-timeout', values['settle-timeout']) * 1000,
    verbose: values.verbose,
  };
}

let parsed;
try {
  parsed = options();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
try {
  const result = await runChaos({ ...parsed, log: (line) => console.error(`[chaos] ${line}`) });
  console.log(formatReport(result, { verbose: parsed.verbose }));
  process.exitCode = result.violations.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`chaos run of seed ${parsed.seed} could not be carried out:`, error);
  process.exitCode = 3;
}
