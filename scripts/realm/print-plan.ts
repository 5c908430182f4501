import type { Change, Plan, Step } from './plan-steps.ts';

const SIGN: Record<Step['action'], string> = {
  create: '+',
  add: '+',
  update: '~',
  set: '~',
  remove: '-',
  delete: '-',
};
const MAX_VALUE = 80;

/** A value for a terminal line: JSON, cut short; a secret never reaches here (see Change.hidden). */
const show = (value: unknown): string => {
  const text = value === undefined ? '(unset)' : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
};

const describe = (step: Step, change: Change): string => {
  if (change.hidden) return `${change.field}: (hidden)`;
  if (step.action === 'add' || step.action === 'remove') return change.field;
  return `${change.field}: ${show(change.before)} → ${show(change.after)}`;
};

/** The plan as text, one line per step and one per changed field; secret values never appear. */
export function formatPlan(plan: Plan, baseUrl: string): string {
  const lines = [`realm ${plan.realm} at ${baseUrl}`];
  if (plan.createRealm) lines.push(`  + realm ${plan.realm} (does not exist yet)`);
  for (const step of plan.steps) {
    lines.push(`  ${SIGN[step.action]} ${step.action} ${step.target}`);
    for (const change of step.changes) lines.push(`      ${describe(step, change)}`);
  }
  const count = (actions: Step['action'][]) => plan.steps.filter((s) => actions.includes(s.action)).length;
  lines.push(
    `${count(['create', 'add'])} to create or add, ${count(['update', 'set'])} to change, ` +
      `${count(['delete', 'remove'])} to delete or remove, ${plan.unchanged} unchanged`,
  );
  return lines.join('\n');
}

/** The plan for machines (`--json`): the printable part of each step, never its payload. */
export function planJson(plan: Plan) {
  return {
    realm: plan.realm,
    createRealm: plan.createRealm,
    unchanged: plan.unchanged,
    steps: plan.steps.map(({ action, target, changes, payload }) => ({
      action,
      kind: payload.kind,
      target,
      changes: changes.map((c) => (c.hidden ? { field: c.field, hidden: true } : c)),
    })),
  };
}
