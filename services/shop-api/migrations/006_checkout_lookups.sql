-- Storing the answer of a checkout for its Idempotency-Key finds the key by order id
-- (idempotency-repository.ts storeResponse), and deleting an order cascades to its keys: both
-- scanned the whole table without this index, so checkout got slower as keys accumulated.
CREATE INDEX idempotency_keys_order ON idempotency_keys (order_id) WHERE order_id IS NOT NULL;
