import { isOutcome, storedOutcome, type KeyObservation } from '../answers.ts';
import type { Dataset, KeyRow, OrderRow } from '../dataset.ts';
import { groupBy, type Violation } from './violation.ts';

/** The HTTP status a checkout answers for an order in its final state (checkout-answer.ts). */
export function answerStatusFor(order: Pick<OrderRow, 'status' | 'reason'>): number {
  if (order.status === 'confirmed') return 201;
  if (order.reason === 'out_of_stock') return 409;
  if (order.reason === 'payment_declined') return 402;
  return 503;
}

const keyName = (k: { userId: string; key: string }) => `key ${k.key}`;

/**
 * One order per Idempotency-Key (every checkout of a run carries one), and the answer stored for
 * the key tells that order's final state: right status, right order id.
 */
export function checkKeys(data: Dataset): Violation[] {
  const violations: Violation[] = [];
  const orders = new Map(data.orders.map((o) => [o.id, o]));
  const keysOf = groupBy(
    data.keys.filter((k) => k.orderId !== null),
    (k) => String(k.orderId),
  );
  for (const order of data.orders) {
    const keys = keysOf.get(String(order.id)) ?? [];
    if (keys.length === 0)
      violations.push({
        invariant: 'order-without-key',
        ids: [`order ${order.id}`],
        detail: `order ${order.status} of ${order.userId}`,
      });
    if (keys.length > 1)
      violations.push({
        invariant: 'order-with-two-keys',
        ids: [`order ${order.id}`, ...keys.map(keyName)],
        detail: `${keys.length} keys created one order`,
      });
  }
  for (const key of data.keys) {
    const order = key.orderId === null ? undefined : orders.get(key.orderId);
    if (!order) {
      violations.push({
        invariant: 'key-without-order',
        ids: [keyName(key)],
        detail: `order ${key.orderId ?? 'none'}`,
      });
      continue;
    }
    violations.push(...storedAnswerViolations(key, order));
  }
  return violations;
}

function storedAnswerViolations(key: KeyRow, order: OrderRow): Violation[] {
  const ids = [keyName(key), `order ${order.id}`];
  if (key.outcome === null)
    return [
      { invariant: 'key-without-answer', ids, detail: `order ${order.status}, no answer stored for the key` },
    ];
  const outcome = storedOutcome(key.outcome);
  const stored = {
    orderId: outcome.orderId,
    status:
      outcome.status === undefined
        ? undefined
        : answerStatusFor({ status: outcome.status, reason: outcome.reason ?? null }),
  };
  const expected = answerStatusFor(order);
  if (stored.orderId !== order.id || stored.status !== expected)
    return [
      {
        invariant: 'stored-answer-disagrees',
        ids,
        detail: `stored ${stored.status} naming order ${stored.orderId ?? 'none'}; order ${order.status} (${order.reason ?? 'no reason'}) answers ${expected}`,
      },
    ];
  return [];
}

/**
 * What the clients saw, against the databases: every outcome answer of a key names its order and
 * is the same answer (replays identical); a key never names two orders; after recovery, asking
 * again gives the order's final outcome.
 */
export function checkAnswers(data: Dataset, observations: readonly KeyObservation[]): Violation[] {
  const violations: Violation[] = [];
  const rows = new Map(data.keys.map((k) => [`${k.userId}\n${k.key}`, k]));
  const orders = new Map(data.orders.map((o) => [o.id, o]));
  for (const seen of observations) {
    const row = rows.get(`${seen.userId}\n${seen.key}`);
    const ids = [keyName(seen), ...(row?.orderId ? [`order ${row.orderId}`] : [])];
    const outcomes = seen.answers.filter(isOutcome);
    const list = (answers: typeof seen.answers) =>
      answers
        .map((a) => `${a.phase} ${a.status}${a.code ? ` ${a.code}` : ''}${a.orderId ? ` #${a.orderId}` : ''}`)
        .join(', ');

    const unnamed = outcomes.filter((a) => a.orderId === undefined);
    if (unnamed.length > 0)
      violations.push({
        invariant: 'answer-without-order',
        ids,
        detail: `outcome answers naming no order: ${list(unnamed)}`,
      });

    const named = new Set(seen.answers.flatMap((a) => (a.orderId === undefined ? [] : [a.orderId])));
    if (row?.orderId != null) named.add(row.orderId);
    if (named.size > 1)
      violations.push({
        invariant: 'key-with-two-orders',
        ids: [...ids, ...[...named].map((id) => `order ${id}`)],
        detail: `answers: ${list(seen.answers)}; database: order ${row?.orderId ?? 'none'}`,
      });
    else if (named.size === 1 && row?.orderId == null)
      violations.push({
        invariant: 'answer-order-unknown',
        ids,
        detail: `answers name order ${[...named][0]}, the key has none in shop-api`,
      });

    if (new Set(outcomes.map((a) => a.fingerprint)).size > 1)
      violations.push({ invariant: 'replay-differs', ids, detail: list(outcomes) });

    const order = row?.orderId == null ? undefined : orders.get(row.orderId);
    if (!order) continue;
    const final = seen.answers.filter((a) => a.phase === 'final').at(-1);
    if (!final || !isOutcome(final))
      violations.push({
        invariant: 'replay-not-final',
        ids,
        detail: `after recovery the key answers ${final ? list([final]) : 'nothing'}`,
      });
    else if (final.status !== answerStatusFor(order))
      violations.push({
        invariant: 'replay-disagrees-with-order',
        ids,
        detail: `replay ${final.status}, order ${order.status} (${order.reason ?? 'no reason'})`,
      });
  }
  return violations;
}
