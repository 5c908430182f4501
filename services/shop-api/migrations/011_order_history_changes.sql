-- Every replica keeps recently read order histories in memory and drops a user's on this channel.
-- Row-level triggers cover every writer (checkout, the saga, recovery, admin routes, scripts) and
-- name the user whose history changed; PostgreSQL delivers at commit, once per distinct payload per
-- transaction. An empty payload means "any user's" (a TRUNCATE, or an id too long for a payload).
CREATE FUNCTION order_history_changed(user_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF user_id IS NULL THEN
    RETURN; -- the order is gone: its own trigger has already spoken
  END IF;
  PERFORM pg_notify('order_history_changed', CASE WHEN length(user_id) <= 1000 THEN user_id ELSE '' END);
END
$$;

CREATE FUNCTION notify_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM order_history_changed(OLD.user_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM order_history_changed(NEW.user_id);
  END IF;
  RETURN NULL;
END
$$;

-- Items and history rows belong to an order; whose it is, the order says.
CREATE FUNCTION notify_order_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM order_history_changed((SELECT user_id FROM orders WHERE id = OLD.order_id));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM order_history_changed((SELECT user_id FROM orders WHERE id = NEW.order_id));
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION notify_order_history_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('order_history_changed', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER orders_changed AFTER INSERT OR UPDATE OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION notify_order_changed();
CREATE TRIGGER order_items_changed AFTER INSERT OR UPDATE OR DELETE ON order_items
  FOR EACH ROW EXECUTE FUNCTION notify_order_part_changed();
CREATE TRIGGER order_status_history_changed AFTER INSERT OR UPDATE OR DELETE ON order_status_history
  FOR EACH ROW EXECUTE FUNCTION notify_order_part_changed();
CREATE TRIGGER orders_truncated AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION notify_order_history_truncated();
CREATE TRIGGER order_items_truncated AFTER TRUNCATE ON order_items
  FOR EACH STATEMENT EXECUTE FUNCTION notify_order_history_truncated();
CREATE TRIGGER order_status_history_truncated AFTER TRUNCATE ON order_status_history
  FOR EACH STATEMENT EXECUTE FUNCTION notify_order_history_truncated();
