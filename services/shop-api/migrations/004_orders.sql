-- Orders and their lifecycle: pending -> reserved -> paid -> confirmed, or failed / cancelled /
-- refunded with a reason. compensation_pending marks a failed order whose release/refund could not
-- be completed yet; the recovery worker finishes it.
CREATE TABLE orders (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL,
  user_email text,
  user_name text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'reserved', 'paid', 'confirmed', 'failed', 'cancelled', 'refunded')),
  status_reason text,
  status_detail text,
  total_minor integer NOT NULL CHECK (total_minor >= 0),
  currency char(3) NOT NULL,
  shipping_address jsonb NOT NULL,
  payment_method text NOT NULL,
  charge_id text,
  refund_id text,
  unavailable jsonb,
  compensation_pending boolean NOT NULL DEFAULT false,
  recovery_lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_user ON orders (user_id, created_at DESC, id DESC);
CREATE INDEX orders_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_unsettled ON orders (updated_at)
  WHERE status IN ('pending', 'reserved', 'paid') OR compensation_pending;

-- Line items are a snapshot: the name and price at the time of purchase.
CREATE TABLE order_items (
  order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id integer NOT NULL,
  product_name text NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  unit_price_minor integer NOT NULL CHECK (unit_price_minor >= 0),
  PRIMARY KEY (order_id, product_id)
);

CREATE TABLE order_status_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  status text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_status_history_order ON order_status_history (order_id, id);

-- Idempotency-Key records (IETF draft-ietf-httpapi-idempotency-key-header): one per (user, key);
-- the primary key is what makes concurrent requests with the same key create a single order.
CREATE TABLE idempotency_keys (
  user_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  order_id integer REFERENCES orders (id) ON DELETE CASCADE,
  response_status integer,
  response_body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
