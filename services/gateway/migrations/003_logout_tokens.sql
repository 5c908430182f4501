-- Back-channel logout tokens already received (OIDC BCL 1.0 §2.6 step 10: a jti seen before is a
-- replay). Shared by every gateway replica, so a token replayed at another replica is refused too.
-- A row is kept only while its token could still be accepted.
CREATE TABLE gateway_logout_tokens (
  jti          text PRIMARY KEY,
  forget_after timestamptz NOT NULL
);

CREATE INDEX gateway_logout_tokens_forget_after ON gateway_logout_tokens (forget_after);
