-- Every Idempotency-Key a charge or a void used, in one table, so that the two collide on its
-- primary key: whichever inserts first owns the key, and the other waits for it (or finds it).
-- This replaces the advisory lock both took: a charge claims its key and inserts itself in one
-- statement, and a void racing it can never leave both a voided key and a charge behind.
CREATE TABLE charge_keys (
  client_id text NOT NULL,
  idempotency_key text NOT NULL,
  order_id text NOT NULL,
  -- false: a charge was made with the key (in the same statement); true: its caller voided it.
  voided boolean NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, idempotency_key)
);

INSERT INTO charge_keys (client_id, idempotency_key, order_id, voided, claimed_at)
SELECT client_id, idempotency_key, order_id, false, created_at FROM charges;

-- The advisory lock never let a key be both charged and voided; should one be anyway, the charge
-- is what happened.
INSERT INTO charge_keys (client_id, idempotency_key, order_id, voided, claimed_at)
SELECT client_id, idempotency_key, order_id, true, voided_at FROM voided_keys
ON CONFLICT (client_id, idempotency_key) DO NOTHING;

DROP TABLE voided_keys;
