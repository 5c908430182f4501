-- Kept order histories are now validated on every read against the versions of the user's order
-- rows (orders/order-history-cache.ts) instead of being dropped on a notification: a NOTIFY in
-- every order-writing transaction took PostgreSQL's database-wide notify lock until after each
-- commit's WAL flush, serialising every checkout step of every user.
DROP TRIGGER order_status_history_truncated ON order_status_history;
DROP TRIGGER order_items_truncated ON order_items;
DROP TRIGGER orders_truncated ON orders;
DROP TRIGGER order_status_history_changed ON order_status_history;
DROP TRIGGER order_items_changed ON order_items;
DROP TRIGGER orders_changed ON orders;
DROP FUNCTION notify_order_history_truncated();
DROP FUNCTION notify_order_part_changed();
DROP FUNCTION notify_order_changed();
DROP FUNCTION order_history_changed(text);
