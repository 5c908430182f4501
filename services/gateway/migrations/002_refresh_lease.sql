-- Cross-replica single flight for token refresh: the replica that sets the lease refreshes, the
-- others wait for its result. The idp rotates refresh tokens and refuses a reused one, so two
-- replicas refreshing at once would otherwise end a healthy session.
ALTER TABLE gateway_sessions ADD COLUMN refresh_lease_until timestamptz;
