-- Checkout writes its pending order in one statement (checkout/pending-order-repository.ts): it
-- claims the Idempotency-Key, takes the cart and inserts the order. When the cart held nothing
-- priced, none of that may stay; the statement calls this function, and its error undoes the
-- whole statement (the key claim and the taken lines of vanished products included).
CREATE FUNCTION checkout_cart_empty() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the cart holds no product of the catalog' USING ERRCODE = 'MMCE0';
END
$$;
