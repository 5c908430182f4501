import { listAllProducts, listCategorySlugs, type ProductRow } from './products-repository.ts';
import type { Database } from '../lib/db.ts';

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
  close(): Promise<void>;
}

/**
 * The whole catalog in memory (a shop's catalog is small and read on every page), dropped on
 * every change: by this replica right after its own writes, by every replica on the
 * `catalog_changed` notification. While the listening connection is down a missed notification
 * could leave it stale, so it reads the database every time until it listens again.
 */
export async function createProductCache(db: Database): Promise<ProductCache> {
  let listening = false;
  let generation = 0;
  let cached: Promise<CatalogSnapshot> | undefined;

  const invalidate = () => {
    generation++;
    cached = undefined;
  };
  const listener = await db.listen(CATALOG_CHANNEL, {
    onNotify: invalidate,
    onListening(now) {
      listening = now;
      invalidate();
    },
  });

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
    close: () => listener.close(),
  };
}
