import type { Queryable } from '@mockmart/service-kit/db';

/** A mail waiting for SMTP, as the sender needs it. */
export interface PendingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Attempts made before this one. */
  attempts: number;
}

interface PendingRow {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  attempts: number;
}

/**
 * Claims up to `limit` due pending mails for `claimMs`: their next attempt moves past the claim, so
 * a second sender (another replica, or this one's next pass) skips them while this one sends. SKIP
 * LOCKED lets two senders claim at the same moment without waiting on each other or overlapping.
 */
export async function claimDue(db: Queryable, limit: number, claimMs: number): Promise<PendingMail[]> {
  const { rows } = await db.query<PendingRow>(
    `UPDATE notifications SET next_attempt_at = now() + make_interval(secs => $2 / 1000.0)
      WHERE id IN (SELECT id FROM notifications
                    WHERE status = 'pending' AND next_attempt_at <= now()
                    ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, to_address, subject, text_body, html_body, attempts`,
    [limit, claimMs],
  );
  return rows.map((row) => ({
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body ?? '',
    attempts: row.attempts,
  }));
}

/** SMTP accepted the mail. Only a pending row moves, so a mail is never marked twice. */
export async function markSent(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE notifications SET status = 'sent', sent_at = now(), attempts = attempts + 1, failure = NULL
      WHERE id = $1 AND status = 'pending'`,
    [id],
  );
}

/** A transient failure: the mail stays pending and becomes due again in `retryInMs`. */
export async function scheduleRetry(
  db: Queryable,
  id: string,
  failure: string,
  retryInMs: number,
): Promise<void> {
  await db.query(
    `UPDATE notifications SET attempts = attempts + 1, failure = $2,
            next_attempt_at = now() + make_interval(secs => $3 / 1000.0)
      WHERE id = $1 AND status = 'pending'`,
    [id, failure, retryInMs],
  );
}

/** The end of the road: refused for good ('failed') or out of attempts ('dead'). */
export async function markGivenUp(
  db: Queryable,
  id: string,
  status: 'failed' | 'dead',
  failure: string,
): Promise<void> {
  await db.query(
    `UPDATE notifications SET status = $2, attempts = attempts + 1, failure = $3
      WHERE id = $1 AND status = 'pending'`,
    [id, status, failure],
  );
}
