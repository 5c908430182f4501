-- Server-side BFF sessions. The cookie carries a random 256-bit id; only its SHA-256 is stored, so a
-- database reader cannot replay cookies. Tokens, pending logins and the user profile are sealed with
-- AES-256-GCM (column secrets); data holds what is not secret (csrf token, cart id).
CREATE TABLE gateway_sessions (
  id_hash             text PRIMARY KEY,
  version             integer NOT NULL DEFAULT 1,
  data                jsonb NOT NULL,
  secrets             text,
  sid                 text,
  sub                 text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  expires_at          timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL
);

-- Back-channel logout ends sessions by the idp session id (sid) or, without one, by subject.
CREATE INDEX gateway_sessions_sid ON gateway_sessions (sid) WHERE sid IS NOT NULL;
CREATE INDEX gateway_sessions_sub ON gateway_sessions (sub) WHERE sub IS NOT NULL;
CREATE INDEX gateway_sessions_expires ON gateway_sessions (expires_at);
