-- The W3C traceparent of the request that wrote the event: the dispatcher delivers it as part of
-- that request's trace, so a checkout and its mail are one trace even though the mail leaves later.
ALTER TABLE outbox ADD COLUMN trace_parent text;
