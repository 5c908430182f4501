import type { Queryable } from '../lib/db.ts';
import { readOrderHistory, type OrderHistory, type OrderHistoryQuery } from './order-history.ts';
import { batchedVersionChecks } from './version-checks.ts';

export interface OrderHistoryCache {
  /**
   * The JSON body of GET /api/orders for this query and its version, current as of the request;
   * `version`, when the caller has just checked it (version()), is not asked again.
   */
  read(query: OrderHistoryQuery, version?: string): Promise<OrderHistory>;
  /** The current version of the user's orders (for If-None-Match), without reading the document. */
  version(userId: string): Promise<string>;
}

/** A user's kept pages (one per paging) and the version of their orders those pages show. */
interface UserHistory {
  version: string;
  pages: Map<string, string>;
  size: number;
}

/** What keeping a page costs besides its text (map entries, strings' headers), in characters. */
const PAGE_OVERHEAD = 256;
const USER_OVERHEAD = 512;
/** The unpaged history and the first pages people look at; deeper pages are read every time. */
const MAX_PAGES_PER_USER = 4;

/**
 * Recently read order histories, as the JSON text PostgreSQL wrote (order-history.ts), kept up to
 * about `maxSize` characters, the least recently used user's dropped first.
 *
 * Validated, never invalidated: a read of a kept page first asks PostgreSQL for the version of the
 * user's orders (one index read; the checks of concurrent readers go in one statement,
 * version-checks.ts), and the page is served only when it shows that version (a read with nothing
 * kept reads the document, which says its own version). So every read is as current as an
 * uncached one — on every replica, whoever changed the orders — and no write pays for the cache
 * (a NOTIFY per order write would serialise the commits of every checkout step: PostgreSQL holds
 * its notify lock through each commit's flush).
 *
 * Concurrent misses of one page share one read of the document; a reader whose version check saw
 * a change that the shared read did not reads again.
 */
export function createOrderHistoryCache(db: Queryable, maxSize: number): OrderHistoryCache {
  let size = 0;
  const users = new Map<string, UserHistory>();
  const reading = new Map<string, Promise<OrderHistory>>();
  const currentVersion = batchedVersionChecks(db);

  const drop = (userId: string) => {
    const user = users.get(userId);
    if (!user) return;
    size -= user.size;
    users.delete(userId);
  };

  const keep = (userId: string, key: string, history: OrderHistory) => {
    let user = users.get(userId);
    if (user && user.version !== history.version) {
      drop(userId);
      user = undefined;
    }
    if (!user) {
      user = { version: history.version, pages: new Map(), size: USER_OVERHEAD + history.version.length };
      size += user.size;
    }
    users.delete(userId); // Map order is recency: the first user is the one used longest ago.
    users.set(userId, user);
    if (!user.pages.has(key) && user.pages.size < MAX_PAGES_PER_USER) {
      const pageSize = PAGE_OVERHEAD + key.length + history.json.length;
      user.pages.set(key, history.json);
      user.size += pageSize;
      size += pageSize;
    }
    for (const [oldest] of users) {
      if (size <= maxSize) break;
      drop(oldest);
    }
  };

  /** One read of the document for everyone missing this page at the moment. */
  const shared = (readKey: string, query: OrderHistoryQuery) => {
    const pending = reading.get(readKey);
    if (pending) return pending;
    const started = readOrderHistory(db, query);
    reading.set(readKey, started);
    const done = () => {
      if (reading.get(readKey) === started) reading.delete(readKey);
    };
    started.then(done, done);
    return started;
  };

  return {
    async read(query, checked) {
      if (maxSize <= 0) return readOrderHistory(db, query);
      const key = `${query.page ?? ''}/${query.pageSize ?? ''}`;
      const readKey = `${query.userId}\n${key}`;
      if (!users.get(query.userId)?.pages.has(key) && !reading.has(readKey)) {
        // Nothing kept to validate and no read to join: this reader's own read says its version.
        const history = await shared(readKey, query);
        keep(query.userId, key, history);
        return history;
      }
      const version = checked ?? (await currentVersion(query.userId));
      const user = users.get(query.userId);
      if (user?.version === version) {
        const page = user.pages.get(key);
        if (page !== undefined) {
          users.delete(query.userId);
          users.set(query.userId, user);
          return { json: page, version };
        }
      }
      let history = await shared(readKey, query);
      // A shared read that began before a change this reader's version check saw is not its answer.
      if (history.version !== version) history = await readOrderHistory(db, query);
      keep(query.userId, key, history);
      return history;
    },
    version: currentVersion,
  };
}
