-- Rate-limit counters shared by every gateway replica: one row per key (a hash of "what is limited
-- and for whom": login per client IP, checkout per user) and fixed window. A replica adds a hit
-- with one atomic upsert, so N replicas enforce the configured limit, not N times it.
CREATE TABLE gateway_rate_limits (
  key_hash     text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (key_hash, window_start)
);

CREATE INDEX gateway_rate_limits_window_start ON gateway_rate_limits (window_start);
