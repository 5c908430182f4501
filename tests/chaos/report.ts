/**
 * The run's report as text: the plan's size, the fault timeline as it happened, counts of what the
 * traffic did to the four services, and each violation with the ids it concerns.
 */
import { netOf } from './invariants/money.ts';
import { groupBy } from './invariants/violation.ts';
import type { ChaosResult } from './run.ts';

const tally = (values: readonly string[]) =>
  [...groupBy(values, (v) => v)].map(([value, list]) => `${value} ${list.length}`).join(', ') || 'none';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatReport(result: ChaosResult, { verbose = false } = {}): string {
  const { plan, data, observations } = result;
  const out: string[] = [];
  out.push(`chaos run — seed ${plan.seed}, ${plan.checkouts} checkouts from ${plan.shoppers} shoppers`);
  out.push(`client behaviours: ${tally(plan.traffic.map((c) => c.behaviour))}`);
  out.push(`initial stock: ${[...result.initialStock].map(([id, n]) => `#${id}=${n}`).join(' ')}`);

  out.push('', 'fault timeline (time since traffic start, checkouts started, lane: step):');
  for (const e of result.timeline)
    out.push(`  ${seconds(e.at).padStart(7)}  @${String(e.progress).padEnd(4)} ${e.lane}: ${e.what}`);
  out.push(
    `traffic and faults took ${seconds(result.trafficMs)}; recovery ${result.settle.settled ? `settled in ${seconds(result.settle.waitedMs)}` : `NOT settled within ${seconds(result.settle.waitedMs)}`}`,
  );

  const confirmed = data.orders.filter((o) => o.status === 'confirmed');
  const answers = observations.flatMap((o) => o.answers);
  const sold = [...result.initialStock].reduce(
    (sum, [id, initial]) => sum + initial - (data.stock.find((s) => s.productId === id)?.onHand ?? initial),
    0,
  );
  out.push('', 'counts:');
  out.push(
    `  answers (live and client retries): ${tally(answers.filter((a) => a.phase !== 'final').map((a) => String(a.code ? `${a.status} ${a.code}` : a.status)))}`,
  );
  out.push(
    `  final replays: ${tally(answers.filter((a) => a.phase === 'final').map((a) => String(a.status)))}`,
  );
  out.push(
    `  orders ${data.orders.length}: ${tally(data.orders.map((o) => (o.reason ? `${o.status}/${o.reason}` : o.status)))}`,
  );
  out.push(
    `  charges ${data.charges.length}: ${tally(data.charges.map((c) => (c.status !== 'succeeded' ? c.status : c.refundedAmount === 0 ? 'kept' : c.refundedAmount === c.amount ? 'refunded' : 'partly refunded')))}; refunds ${data.refunds.length}`,
  );
  out.push(
    `  money captured ${data.charges.reduce((s, c) => s + netOf(c), 0)}, confirmed totals ${confirmed.reduce((s, o) => s + o.totalMinor, 0)} (minor units)`,
  );
  out.push(`  units sold ${sold}; reservations: ${tally(data.reservations.map((r) => r.status))}`);
  out.push(
    `  mails ${data.mails.length}: ${tally(data.mails.map((m) => m.type))}; outbox ${data.outbox.length} events`,
  );

  out.push(
    '',
    result.violations.length === 0
      ? 'invariants: all hold'
      : `invariants: ${result.violations.length} violations`,
  );
  for (const [invariant, list] of groupBy(result.violations, (v) => v.invariant)) {
    out.push(`  ${invariant} (${list.length}):`);
    for (const v of list) out.push(`    ${v.ids.join(', ') || '—'}: ${v.detail}`);
  }
  if (verbose && result.violations.length > 0) {
    const orderIds = [
      ...new Set(
        result.violations.flatMap((v) =>
          v.ids.filter((id) => id.startsWith('order ')).map((id) => id.slice(6)),
        ),
      ),
    ];
    out.push('', `log lines about the orders concerned (${orderIds.slice(0, 10).join(', ')}):`);
    for (const line of result.logsAbout(orderIds.slice(0, 10), 200))
      out.push(`  ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
  }
  return out.join('\n');
}
