-- A caller that lost track of a charge request (it crashed, or timed out) can void its key: the
-- request, if it ever arrives, is then refused instead of charging. Checked under the key's lock.
CREATE TABLE voided_keys (
  client_id text NOT NULL,
  idempotency_key text NOT NULL,
  order_id text NOT NULL,
  voided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, idempotency_key)
);
