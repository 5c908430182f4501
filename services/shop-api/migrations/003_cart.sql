-- Carts live in PostgreSQL so any replica serves them. cart_key is 'user:<sub>' for a signed-in
-- shopper or 'anon:<X-Cart-Id>' for an anonymous one (the gateway owns that id).
-- Deleting a product removes it from every cart (the original left dangling references).
CREATE TABLE cart_items (
  cart_key text NOT NULL CHECK (length(cart_key) <= 300),
  product_id integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  added_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_key, product_id)
);

CREATE INDEX cart_items_product ON cart_items (product_id);
CREATE INDEX cart_items_updated ON cart_items (updated_at);
