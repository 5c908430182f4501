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

-- Development fault switch, shared by every replica.
CREATE TABLE fault_switch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  mode text NOT NULL DEFAULT 'none',
  delay_ms integer CHECK (delay_ms BETWEEN 0 AND 60000),
  remaining integer CHECK (remaining >= 0),
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO fault_switch DEFAULT VALUES;
