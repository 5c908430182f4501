import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, parseEnv } from 'node:util';
import { openAdminSession } from './admin-session.ts';
import { applyPlan } from './apply-plan.ts';
import { MOCKMART_LAYOUT } from './audit/audit-context.ts';
import { formatAudit, runAudit } from './audit/run-audit.ts';
import { computePlan } from './compute-plan.ts';
import type { Plan } from './plan-steps.ts';
import { readRealmToolConfig } from './config.ts';
import { loadRealmFile, secretVariables } from './load-realm-file.ts';
import { formatPlan, planJson } from './print-plan.ts';
import { readLiveRealm } from './read-live-realm.ts';
import { desiredState } from './realm-state.ts';

const DEFAULT_FILE = fileURLToPath(new URL('../../deploy/keycloak/techstore-realm.json', import.meta.url));
/** A run that still finds differences after this many passes stops: something refuses the change. */
const MAX_APPLY_PASSES = 3;

const USAGE = `usage: npm run realm -- <diff|apply|audit> [options]
  diff            what apply would change (exit 1 when the realm differs from the file)
  apply           show the plan; with --yes carry it out (dry run without)
  audit           check the running realm and the services' environment (exit 1 on a failure)
options:
  --file <path>       realm file (default deploy/keycloak/techstore-realm.json)
  --env-file <path>   KEY=VALUE lines added to the environment (e.g. .secrets/local.env)
  --yes               apply: make the changes
  --prune             diff/apply: also delete what the file does not mention (never Keycloak's built-ins)
  --set-secrets       diff/apply: set client secrets from the environment (NAME or NAME_FILE)
  --json              machine-readable output`;

type Out = { log(text: string): void };

/**
 * `npm run realm -- diff|apply|audit`: the exit code (0 ok, 1 differences or failed checks,
 * 2 usage or connection error). `env` is the process environment; output goes to `out`.
 */
export async function runRealmCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  out: Out,
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        file: { type: 'string' },
        'env-file': { type: 'string' },
        yes: { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        'set-secrets': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    out.log(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command] = args.positionals;
  if (command !== 'diff' && command !== 'apply' && command !== 'audit') {
    out.log(USAGE);
    return 2;
  }
  const opts = args.values;
  const fullEnv = { ...env, ...(opts['env-file'] ? parseEnv(readFileSync(opts['env-file'], 'utf8')) : {}) };
  const file = opts.file ?? DEFAULT_FILE;
  const config = readRealmToolConfig(fullEnv);
  const withSecrets = opts['set-secrets'] && command !== 'audit';
  const rep = loadRealmFile(file, fullEnv, { withSecrets });
  const desired = desiredState(rep);
  desired.name = config.realm ?? desired.name;
  const session = await openAdminSession(config.baseUrl, desired.name, config.credentials);

  if (command === 'audit') {
    const live = await readLiveRealm(session, { withSecrets: false });
    if (!live) {
      out.log(`realm ${desired.name} does not exist at ${config.baseUrl}`);
      return 1;
    }
    const results = await runAudit({
      live,
      env: fullEnv,
      baseUrl: config.baseUrl,
      secretVariables: secretVariables(file),
      adminClientId: config.credentials.kind === 'client' ? config.credentials.clientId : undefined,
      layout: MOCKMART_LAYOUT,
    });
    out.log(
      opts.json
        ? JSON.stringify({ realm: live.name, pass: results.every((r) => r.pass), results }, null, 2)
        : formatAudit(results),
    );
    return results.every((r) => r.pass) ? 0 : 1;
  }

  const planNow = async () =>
    computePlan(desired, await readLiveRealm(session, { withSecrets }), { prune: opts.prune });
  const differs = (plan: Plan) => plan.createRealm || plan.steps.length > 0;
  const first = await planNow();
  if (command === 'diff' || !opts.yes || !differs(first)) {
    if (opts.json) out.log(JSON.stringify({ ...planJson(first), applied: false }, null, 2));
    else {
      out.log(formatPlan(first, config.baseUrl));
      if (command === 'apply' && differs(first))
        out.log('dry run: nothing changed; run again with --yes to apply');
    }
    return command === 'diff' && differs(first) ? 1 : 0;
  }

  // Each pass re-reads the realm: what Keycloak did on its own while creating (default scopes,
  // service-account users) is seen and settled by the next pass.
  const passes = [];
  let plan = first;
  while (differs(plan) && passes.length < MAX_APPLY_PASSES) {
    if (!opts.json) out.log(formatPlan(plan, config.baseUrl));
    await applyPlan(session, plan, (step) => opts.json || out.log(`  done: ${step.action} ${step.target}`));
    passes.push(planJson(plan));
    plan = await planNow();
  }
  const converged = !differs(plan);
  if (opts.json)
    out.log(
      JSON.stringify(
        { realm: plan.realm, applied: true, converged, passes, remaining: planJson(plan) },
        null,
        2,
      ),
    );
  else
    out.log(
      converged
        ? `applied in ${passes.length} pass${passes.length === 1 ? '' : 'es'}: realm ${plan.realm} matches the file`
        : `still different after ${passes.length} passes:\n${formatPlan(plan, config.baseUrl)}`,
    );
  return converged ? 0 : 2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runRealmCommand(process.argv.slice(2), process.env, { log: (text) => console.log(text) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`npm run realm: ${(error as Error).message}`);
      process.exit(2);
    },
  );
}
