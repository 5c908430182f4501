-- A checkout's Idempotency-Key keeps the order as the checkout left it (its outcome: the order
-- view), not an HTTP answer: the route maps an outcome to 201/402/409/503 (checkout/routes.ts).
-- Keys answered before keep response_status/response_body, which nothing writes any more: a 201
-- kept the order itself, copied here; the order of an older problem answer is read again when its
-- key is replayed (a failed order does not change), and its outcome stored then.
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS outcome jsonb;
UPDATE idempotency_keys SET outcome = response_body -> 'body' -> 'order'
 WHERE outcome IS NULL AND response_body ->> 'kind' = 'order';
