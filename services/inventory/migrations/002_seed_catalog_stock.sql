-- Stock for the catalogue's ten products, matching shop-api's catalogue ids and stock figures
-- (the original inventory kept a separate, inconsistent list). Admin-created products get their
-- row through PUT /api/inventory/stock/:productId.
INSERT INTO stock (product_id, on_hand) VALUES
  (1, 15), (2, 50), (3, 25), (4, 30), (5, 20), (6, 18), (7, 40), (8, 12), (9, 45), (10, 100)
ON CONFLICT (product_id) DO NOTHING;
