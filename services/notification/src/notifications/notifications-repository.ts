import type { Queryable } from '@mockmart/service-kit/db';

export type MailStatus = 'pending' | 'sent' | 'stored' | 'failed' | 'undeliverable' | 'dead';

export interface Mail {
  id: string;
  eventId: string;
  type: string;
  to: string | null;
  subject: string;
  text: string;
  html: string | null;
  orderId: string;
  userId: string;
  status: MailStatus;
  createdAt: string;
  sentAt: string | null;
}

interface MailRow {
  id: string;
  event_id: string;
  payload_hash: string;
  type: string;
  to_address: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  order_id: string;
  user_id: string;
  status: MailStatus;
  created_at: Date | string;
  sent_at: Date | string | null;
}

const COLUMNS =
  'id, event_id, payload_hash, type, to_address, subject, text_body, html_body, order_id, user_id, status, created_at, sent_at';

const toMail = (row: MailRow): Mail => ({
  id: row.id,
  eventId: row.event_id,
  type: row.type,
  to: row.to_address,
  subject: row.subject,
  text: row.text_body,
  html: row.html_body,
  orderId: row.order_id,
  userId: row.user_id,
  status: row.status,
  createdAt: new Date(row.created_at).toISOString(),
  sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
});

export async function findByEvent(
  db: Queryable,
  eventId: string,
): Promise<{ id: string; payloadHash: string } | null> {
  const { rows } = await db.query<MailRow>(
    `SELECT ${COLUMNS} FROM notifications WHERE event_id = $1`,
    [eventId],
    { prepare: 'notification-by-event' },
  );
  return rows[0] ? { id: rows[0].id, payloadHash: rows[0].payload_hash } : null;
}

/**
 * Records the mail once per event id; false when the event was already recorded (the unique key
 * decides). A 'pending' mail is recorded claimed for `claimMs`: the recording request sends it
 * first, and the sender loop takes over only if that request never finishes the job.
 */
export async function insertOnce(
  db: Queryable,
  mail: {
    id: string;
    eventId: string;
    payloadHash: string;
    type: string;
    orderId: string;
    userId: string;
    to: string | null;
    subject: string;
    text: string;
    html: string;
    clientId: string;
    status: 'pending' | 'stored' | 'undeliverable';
    failure?: string;
    claimMs: number;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO notifications (id, event_id, payload_hash, type, order_id, user_id, to_address, subject,
       text_body, html_body, status, client_id, failure, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now() + make_interval(secs => $14 / 1000.0))
     ON CONFLICT (event_id) DO NOTHING`,
    [
      mail.id,
      mail.eventId,
      mail.payloadHash,
      mail.type,
      mail.orderId,
      mail.userId,
      mail.to,
      mail.subject,
      mail.text,
      mail.html,
      mail.status,
      mail.clientId,
      mail.failure ?? null,
      mail.claimMs,
    ],
    { prepare: 'notification-insert' },
  );
  return rowCount === 1;
}

export async function listMailbox(
  db: Queryable,
  filter: { orderId?: string | undefined; userId?: string | undefined; limit: number },
): Promise<Mail[]> {
  const { rows } = await db.query<MailRow>(
    `SELECT ${COLUMNS} FROM notifications
     WHERE ($1::text IS NULL OR order_id = $1) AND ($2::text IS NULL OR user_id = $2)
     ORDER BY created_at DESC, id LIMIT $3`,
    [filter.orderId ?? null, filter.userId ?? null, filter.limit],
  );
  return rows.map(toMail);
}
