-- At-least-once mail delivery. A mail stays 'pending' until SMTP accepts it ('sent'), refuses it for
-- good ('failed': a 5xx reply or an address nodemailer cannot use) or it runs out of attempts
-- ('dead'). `next_attempt_at` is both the retry schedule and the claim: whoever sends a row first
-- moves it into the future, so another replica's sender skips it until that claim lapses.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('pending', 'sent', 'stored', 'failed', 'undeliverable', 'dead'));
ALTER TABLE notifications ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE notifications ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
