-- Every charge and refund is persisted. Idempotency keys are scoped to the calling client.
CREATE TABLE charges (
  charge_id text PRIMARY KEY,
  order_id text NOT NULL,
  client_id text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL,
  payment_method text NOT NULL,
  customer_user_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('succeeded', 'declined')),
  decline_reason text,
  refunded_amount bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT charges_idempotency UNIQUE (client_id, idempotency_key),
  CONSTRAINT charges_refund_within_amount CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  CONSTRAINT charges_declined_has_reason CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
);

-- At most one succeeded charge per order, whatever races the callers run.
CREATE UNIQUE INDEX charges_one_success_per_order ON charges (order_id) WHERE status = 'succeeded';
CREATE INDEX charges_by_order ON charges (order_id, created_at);

CREATE TABLE refunds (
  refund_id text PRIMARY KEY,
  charge_id text NOT NULL REFERENCES charges (charge_id),
  client_id text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('succeeded')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT refunds_idempotency UNIQUE (client_id, idempotency_key)
);

-- The development fault switch's table ships with @mockmart/service-kit/faults (fault-switch.sql).
