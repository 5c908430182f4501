import { observeGauges } from '@mockmart/service-kit/telemetry';
import type { Queryable } from '../lib/db.ts';

/**
 * The outbox as gauges, read when metrics are collected: how many events wait for delivery, how
 * old the oldest of them is (a stuck notification service shows here first), and how many were
 * parked as dead. The pending part rides the partial index outbox_due; dead rows are few.
 */
export function observeOutbox(db: Queryable): void {
  observeGauges(
    'shop-api',
    {
      backlog: { name: 'shop.outbox.backlog', description: 'outbox events waiting for delivery' },
      oldestAge: {
        name: 'shop.outbox.oldest_age',
        description: 'age of the oldest undelivered outbox event',
        unit: 's',
      },
      dead: { name: 'shop.outbox.dead', description: 'outbox events parked as dead (not retried)' },
    },
    async () => {
      const { rows } = await db.query<{ backlog: string; oldest_age: string | null; dead: string }>(
        `SELECT (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL) AS backlog,
                (SELECT EXTRACT(EPOCH FROM now() - min(created_at)) FROM outbox
                  WHERE delivered_at IS NULL AND dead_at IS NULL) AS oldest_age,
                (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL) AS dead`,
      );
      const row = rows[0]!;
      return { backlog: Number(row.backlog), oldestAge: Number(row.oldest_age ?? 0), dead: Number(row.dead) };
    },
  );
}
