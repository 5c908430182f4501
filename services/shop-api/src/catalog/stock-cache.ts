import type { InventoryClient } from '../downstream/inventory-client.ts';

export interface StockCache {
  /**
   * Available units per product id, from a fetch that started at most maxAgeMs ago: concurrent
   * readers share one call to inventory. Empty (availability "unknown") when inventory did not
   * answer within the timeout; a failure is never cached.
   */
  levels(): Promise<Map<number, number>>;
  /** After a stock change made through this replica: the next read fetches again. */
  invalidate(): void;
}

export interface StockCacheOptions {
  inventory: Pick<InventoryClient, 'getStock'>;
  maxAgeMs: number;
  timeoutMs: number;
  onError: (error: unknown) => void;
  /** The clock ages are measured on: monotonic, so a wall clock set back cannot stretch the bound. */
  now?: () => number;
}

/**
 * The catalog's view of inventory. Every product page needs the stock of a few products, and a
 * call to inventory per page view was most of a catalog request's cost; the catalog is small,
 * so one call fetches all of it and serves every reader for maxAgeMs. The staleness bound is
 * counted from when the fetch started, so what it returns is never older than that.
 */
export function createStockCache(options: StockCacheOptions): StockCache {
  const now = options.now ?? (() => performance.now());
  let fresh: { startedAt: number; levels: Map<number, number> } | undefined;
  let inFlight: { startedAt: number; promise: Promise<Map<number, number>> } | undefined;
  let generation = 0;

  const fetchAll = (startedAt: number): Promise<Map<number, number>> => {
    const fetchedFor = generation;
    const promise = options.inventory
      // The deadline is an instant on the wall clock (it travels to inventory).
      .getStock(undefined, { deadline: Date.now() + options.timeoutMs })
      .then(
        (items) => {
          const levels = new Map(items.map((item) => [item.productId, item.available]));
          // A stock change made meanwhile (invalidate) may not be in this answer: not kept.
          if (fetchedFor === generation) fresh = { startedAt, levels };
          return levels;
        },
        (error: unknown) => {
          options.onError(error);
          return new Map<number, number>();
        },
      )
      .finally(() => {
        if (inFlight?.promise === promise) inFlight = undefined;
      });
    inFlight = { startedAt, promise };
    return promise;
  };

  return {
    levels() {
      const at = now();
      if (fresh && at - fresh.startedAt <= options.maxAgeMs) return Promise.resolve(fresh.levels);
      if (inFlight && at - inFlight.startedAt <= options.maxAgeMs) return inFlight.promise;
      return fetchAll(at);
    },
    invalidate() {
      generation++;
      fresh = undefined;
      inFlight = undefined;
    },
  };
}

/**
 * The inventory client with the calls that change stock off the checkout's happy path (admin
 * edits, a release, a reversed sale) dropping the cache once they returned (or failed: they may
 * have applied), so the replica that made such a change shows it at once. A checkout's own hold and
 * commit do not: at a hundred checkouts a second that would refetch the whole catalog's stock for
 * nearly every read. What they change shows within maxAgeMs, as every other replica's changes do.
 */
export function invalidatingStockCache(inventory: InventoryClient, cache: StockCache): InventoryClient {
  const after =
    <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>) =>
    (...args: Args) =>
      call(...args).finally(() => cache.invalidate());
  return {
    ...inventory,
    release: after(inventory.release.bind(inventory)),
    reverse: after(inventory.reverse.bind(inventory)),
    setStock: after(inventory.setStock.bind(inventory)),
    admin: {
      ...inventory.admin,
      request: after(inventory.admin.request.bind(inventory.admin)),
    },
  };
}
