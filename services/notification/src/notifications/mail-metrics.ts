import { observeGauges } from '@mockmart/service-kit/telemetry';
import type { Queryable } from '@mockmart/service-kit/db';

/**
 * Mails by state, read when metrics are collected: `pending` (accepted, not yet sent: a slow or
 * failing SMTP shows here) and `dead` (given up after the retries: someone must look), with the
 * age of the oldest pending one.
 */
export function observeMails(db: Queryable): void {
  observeGauges(
    'notification',
    {
      mails: { name: 'notification.mails', description: 'mails by status (pending, dead)' },
      oldestPendingAge: {
        name: 'notification.mails.oldest_pending_age',
        description: 'age of the oldest mail not sent yet',
        unit: 's',
      },
    },
    async () => {
      const { rows } = await db.query<{ pending: string; dead: string; oldest: string | null }>(
        `SELECT (SELECT count(*) FROM notifications WHERE status = 'pending') AS pending,
                (SELECT count(*) FROM notifications WHERE status = 'dead') AS dead,
                (SELECT EXTRACT(EPOCH FROM now() - min(created_at)) FROM notifications
                  WHERE status = 'pending') AS oldest`,
      );
      const row = rows[0]!;
      return {
        mails: [
          { value: Number(row.pending), attributes: { status: 'pending' } },
          { value: Number(row.dead), attributes: { status: 'dead' } },
        ],
        oldestPendingAge: Number(row.oldest ?? 0),
      };
    },
  );
}
