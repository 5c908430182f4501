-- The one-row table a fault switch lives in (@mockmart/service-kit/faults), created by
-- `faults.install()` (faultRoutes calls it) in development only. Idempotent: a database whose
-- service migrations created the table before the switch shipped it keeps its table and its row.
CREATE TABLE IF NOT EXISTS fault_switch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  mode text NOT NULL DEFAULT 'none',
  delay_ms integer CHECK (delay_ms BETWEEN 0 AND 60000),
  remaining integer CHECK (remaining >= 0),
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- A fault aimed at some calls: only those of the listed users, and reads (catalog and stock
-- lookups) only when asked, so browsing never spends "the next N calls".
ALTER TABLE fault_switch ADD COLUMN IF NOT EXISTS user_ids text[];
ALTER TABLE fault_switch ADD COLUMN IF NOT EXISTS include_reads boolean NOT NULL DEFAULT false;
INSERT INTO fault_switch DEFAULT VALUES ON CONFLICT DO NOTHING;
