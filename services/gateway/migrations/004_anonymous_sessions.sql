-- The cap on live anonymous sessions counts them on every new one: rows without a signed-in
-- subject, by expiry. A partial index keeps that count off the signed-in rows.
CREATE INDEX gateway_sessions_anonymous_expires ON gateway_sessions (expires_at) WHERE sub IS NULL;
