import type { ListenHandlers, Queryable } from '../lib/db.ts';
import { orderHistoryJson, type OrderHistoryQuery } from './order-history.ts';

/** The channel migration 011 notifies, with the user's id, on every change to their orders. */
export const ORDER_HISTORY_CHANNEL = 'order_history_changed';

export interface OrderHistoryCache {
  /** The JSON body of GET /api/orders for this query, from memory when it is current. */
  read(query: OrderHistoryQuery): Promise<string>;
  /**
   * After this replica changed the user's orders and committed: its next read sees the change
   * (the NOTIFY that tells every replica may arrive a moment after the writer's answer).
   */
  changed(userId: string): void;
  /** What to do on ORDER_HISTORY_CHANNEL (app.ts listens): until it listens, every read is a query. */
  changes: ListenHandlers;
}

/** A user's kept pages (one per paging), each a read in flight or done, and their size. */
interface UserHistory {
  pages: Map<string, Promise<string>>;
  chars: number;
}

/**
 * Recently read order histories, as the JSON text PostgreSQL wrote (order-history.ts), kept up to
 * about `maxChars` characters, the least recently read user's dropped first.
 *
 * A user's entry is dropped on every change to their orders: by every replica when the
 * `order_history_changed` notification names them, and by this replica right after its own write
 * (`changed`). A read is kept only if no change dropped its user while it ran, so a history read
 * before a commit is never served after that commit's notification. While the listening
 * connection is down a notification could be missed, so every read is a query until it listens
 * again. Concurrent readers of the same page share one query.
 */
export function createOrderHistoryCache(db: Queryable, maxChars: number): OrderHistoryCache {
  let listening = false;
  let chars = 0;
  const users = new Map<string, UserHistory>();

  const drop = (userId: string) => {
    const user = users.get(userId);
    if (!user) return;
    chars -= user.chars;
    users.delete(userId);
  };
  const dropAll = () => {
    users.clear();
    chars = 0;
  };

  return {
    read(query) {
      if (!listening || maxChars <= 0) return orderHistoryJson(db, query);
      const key = `${query.page ?? ''}/${query.pageSize ?? ''}`;
      let user = users.get(query.userId);
      if (user) {
        // Map order is recency: the first user is the one read longest ago.
        users.delete(query.userId);
        users.set(query.userId, user);
        const kept = user.pages.get(key);
        if (kept) return kept;
      } else {
        user = { pages: new Map(), chars: 0 };
        users.set(query.userId, user);
      }
      const owner = user;
      const reading = orderHistoryJson(db, query);
      owner.pages.set(key, reading);
      reading.then(
        (json) => {
          if (users.get(query.userId) !== owner) return; // dropped by a change meanwhile
          owner.chars += json.length;
          chars += json.length;
          for (const [oldest] of users) {
            if (chars <= maxChars) break;
            drop(oldest);
          }
        },
        () => {
          // A failed read is not kept, nor a user left with nothing kept.
          if (owner.pages.get(key) === reading) owner.pages.delete(key);
          if (owner.pages.size === 0 && users.get(query.userId) === owner) users.delete(query.userId);
        },
      );
      return reading;
    },
    changed: drop,
    changes: {
      onNotify(userId) {
        if (userId === '') dropAll();
        else drop(userId);
      },
      onListening(now) {
        listening = now;
        dropAll();
      },
    },
  };
}
