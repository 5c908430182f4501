-- Every mail is kept here (the mailbox), sent or not. One row per event id: the unique key is what
-- makes a replayed event a no-op.
CREATE TABLE notifications (
  id text PRIMARY KEY,
  event_id text NOT NULL,
  payload_hash text NOT NULL,
  type text NOT NULL,
  order_id text NOT NULL,
  user_id text NOT NULL,
  to_address text,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  status text NOT NULL CHECK (status IN ('pending', 'sent', 'stored', 'failed', 'undeliverable')),
  failure text,
  client_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  CONSTRAINT notifications_event_once UNIQUE (event_id)
);
CREATE INDEX notifications_by_order ON notifications (order_id, created_at DESC);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC);

-- The development fault switch's table ships with @mockmart/service-kit/faults (fault-switch.sql).
