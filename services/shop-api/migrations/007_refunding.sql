-- `refunding`: the order is failing and its money is being given back. Written (with its history
-- row) BEFORE payment is asked to refund, so a crash between the refund and the final `failed` is
-- finished by recovery in that direction — it never confirms an order it was refunding.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('pending', 'reserved', 'paid', 'refunding', 'confirmed', 'failed', 'cancelled', 'refunded'));

DROP INDEX orders_unsettled;
CREATE INDEX orders_unsettled ON orders (updated_at)
  WHERE status IN ('pending', 'reserved', 'paid', 'refunding') OR compensation_pending;
