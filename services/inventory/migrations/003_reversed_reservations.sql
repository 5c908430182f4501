-- A committed reservation can be reversed: the sale is undone and its units go back on the shelf
-- (the checkout's compensation when an order that took the stock fails after all).
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
  CHECK (status IN ('held', 'committed', 'released', 'expired', 'reversed'));
