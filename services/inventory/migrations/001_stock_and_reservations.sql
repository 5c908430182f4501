-- Inventory is the single source of truth for stock. The invariants live in the database, not only
-- in code: units held never exceed units on hand, nothing is ever negative, one reservation per order.
CREATE TABLE stock (
  product_id integer PRIMARY KEY CHECK (product_id > 0),
  on_hand integer NOT NULL CHECK (on_hand >= 0),
  reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT stock_reserved_within_on_hand CHECK (reserved <= on_hand)
);

CREATE TABLE reservations (
  order_id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
  expires_at timestamptz NOT NULL,
  client_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The sweeper looks only at live holds.
CREATE INDEX reservations_held_expiry ON reservations (expires_at) WHERE status = 'held';

CREATE TABLE reservation_items (
  order_id text NOT NULL REFERENCES reservations (order_id) ON DELETE CASCADE,
  product_id integer NOT NULL REFERENCES stock (product_id),
  quantity integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, product_id)
);

-- The development fault switch's table ships with @mockmart/service-kit/faults (fault-switch.sql).
