import { listAllProducts, listCategorySlugs, type ProductRow } from './products-repository.ts';
import type { ListenHandlers, Queryable } from '../lib/db.ts';

/** The channel migration 007 notifies on every change to products or categories. */
export const CATALOG_CHANNEL = 'catalog_changed';

export interface CatalogSnapshot {
  /** Every product, in id order. */
  products: ProductRow[];
  byId: Map<number, ProductRow>;
  categories: string[];
}

export interface ProductCache {
  snapshot(): Promise<CatalogSnapshot>;
  /** After a write through this replica; the other replicas hear of it through NOTIFY. */
  invalidate(): void;
  /** What to do on CATALOG_CHANNEL (app.ts listens): until it listens, every snapshot is read. */
  changes: ListenHandlers;
}

/**
 * The whole catalog in memory (a shop's catalog is small and read on every page), dropped on
 * every change: by this replica right after its own writes, by every replica on the
 * `catalog_changed` notification. While the listening connection is down a missed notification
 * could leave it stale, so it reads the database every time until it listens again.
 */
export function createProductCache(db: Queryable): ProductCache {
  let listening = false;
  let generation = 0;
  let cached: Promise<CatalogSnapshot> | undefined;

  const invalidate = () => {
    generation++;
    cached = undefined;
  };

  const load = async (): Promise<CatalogSnapshot> => {
    const [products, categories] = await Promise.all([listAllProducts(db), listCategorySlugs(db)]);
    return { products, byId: new Map(products.map((row) => [row.id, row])), categories };
  };

  return {
    snapshot() {
      if (!listening) return load();
      if (cached) return cached;
      const loadedFor = generation;
      const loading = load();
      cached = loading;
      // A failed load, or one that a change overtook, is not kept.
      loading.then(
        () => {
          if (loadedFor !== generation && cached === loading) cached = undefined;
        },
        () => {
          if (cached === loading) cached = undefined;
        },
      );
      return loading;
    },
    invalidate,
    changes: {
      onNotify: invalidate,
      onListening(now) {
        listening = now;
        invalidate();
      },
    },
  };
}
