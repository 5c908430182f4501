-- The original TechStore's ten products (services/shop-api/data/products.json), prices in cents.
-- Stock lives in the inventory service, which seeds the same product ids.
INSERT INTO categories (slug, name, icon, position) VALUES
  ('electronics', 'Electronics', '💻', 1),
  ('accessories', 'Accessories', '🔌', 2),
  ('audio', 'Audio', '🎧', 3),
  ('storage', 'Storage', '💾', 4);

INSERT INTO products (id, name, category, price_minor, description) VALUES
  (1, 'Laptop ProBook 15', 'electronics', 89999, 'A 15-inch laptop for work and study: fast processor, 16 GB of RAM and an all-day battery.'),
  (2, 'Wireless Mouse', 'electronics', 2999, 'Ergonomic wireless mouse with a silent click and up to 18 months of battery life.'),
  (3, 'Mechanical Keyboard', 'electronics', 11999, 'Mechanical keyboard with tactile switches and RGB backlighting.'),
  (4, 'USB-C Hub', 'accessories', 4999, '7-in-1 USB-C hub with HDMI, USB 3.0, an SD card reader and power delivery.'),
  (5, 'Webcam HD Pro', 'electronics', 7999, 'Full HD 1080p webcam with a stereo microphone and automatic light correction.'),
  (6, 'Headphones Studio', 'audio', 15999, 'Over-ear studio headphones with active noise cancelling.'),
  (7, 'Portable SSD 1TB', 'storage', 12999, 'Portable 1 TB SSD with USB-C and transfer speeds up to 1050 MB/s.'),
  (8, 'Monitor 27" 4K', 'electronics', 44999, '27-inch 4K UHD IPS monitor with HDR10 and USB-C connectivity.'),
  (9, 'Laptop Stand', 'accessories', 3499, 'Adjustable aluminium laptop stand for better ergonomics.'),
  (10, 'Cable Organizer Set', 'accessories', 1499, 'A set of cable organisers to keep your desk tidy.');

SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products));
