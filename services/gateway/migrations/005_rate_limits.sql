-- Rate-limit counters shared by every gateway replica: one row per key (a hash of "what is limited
-- and for whom": login per client IP, checkout per user). A window starts at a key's first hit and
-- a hit after it ends starts the next one; a replica adds a hit with one atomic upsert, so N
-- replicas enforce the configured limit, not N times it.
CREATE TABLE gateway_rate_limits (
  key_hash     text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL
);

CREATE INDEX gateway_rate_limits_window_start ON gateway_rate_limits (window_start);
