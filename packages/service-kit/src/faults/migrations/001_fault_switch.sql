-- The one-row table a fault switch lives in (@mockmart/service-kit/faults). A service copies this
-- into its own migrations; inventory, payment and notification ship it in their 001 migration.
CREATE TABLE fault_switch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  mode text NOT NULL DEFAULT 'none',
  delay_ms integer CHECK (delay_ms BETWEEN 0 AND 60000),
  remaining integer CHECK (remaining >= 0),
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO fault_switch DEFAULT VALUES;
