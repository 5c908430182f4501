// Catalog reads (public): GET /api/products, /api/products/:id, /api/categories.
import { api, itemsOf } from '../../../lib/api-client.ts';
import type { Money } from '../../../lib/money.ts';
import type { Availability, Product as RawProduct } from '@mockmart/contracts/shop';

export type { Availability };

/** A product as the UI shows it; the wire shape (RawProduct) has `priceMinor` + `currency` as its real amount. */
export type Product = {
  id: number;
  name: string;
  description: string;
  category: string;
  /** Emoji of the category, shown instead of a photo. */
  icon: string;
  price: Money;
  /** Units available now (from inventory); null when inventory could not be asked. */
  stock: number | null;
  availability: Availability;
};

function toProduct(raw: RawProduct): Product {
  return {
    id: raw.id,
    name: raw.name,
    description: raw.description,
    category: raw.category,
    icon: raw.icon,
    price: { amount: raw.priceMinor, currency: raw.currency },
    stock: raw.stock,
    availability: raw.availability,
  };
}

export type SortOrder = '' | 'price-asc' | 'price-desc' | 'name';

export type ProductQuery = {
  search: string;
  category: string;
  sort: SortOrder;
  page: number;
  pageSize: number;
};

export type ProductPage = { items: Product[]; page: number; pageSize: number; total: number };

type ProductListResponse =
  RawProduct[] | { items: RawProduct[]; page: number; pageSize: number; total: number };

export function isSoldOut(product: Product): boolean {
  return product.availability === 'out_of_stock' || product.stock === 0;
}

export async function listProducts(query: ProductQuery, signal?: AbortSignal): Promise<ProductPage> {
  const body = await api.get<ProductListResponse>('/api/products', {
    signal,
    query: {
      search: query.search.trim() || undefined,
      category: query.category || undefined,
      sort: query.sort || undefined,
      page: query.page,
      pageSize: query.pageSize,
    },
  });
  // Sending page/pageSize always gets the page envelope; a plain array is tolerated all the same.
  if (Array.isArray(body)) {
    const start = (query.page - 1) * query.pageSize;
    const items = body.slice(start, start + query.pageSize).map(toProduct);
    return { items, page: query.page, pageSize: query.pageSize, total: body.length };
  }
  return { items: body.items.map(toProduct), page: body.page, pageSize: body.pageSize, total: body.total };
}

export async function getProduct(id: string | number, signal?: AbortSignal): Promise<Product> {
  return toProduct(await api.get<RawProduct>(`/api/products/${encodeURIComponent(id)}`, { signal }));
}

export async function listCategories(signal?: AbortSignal): Promise<string[]> {
  const body = await api.get<string[] | { items: (string | { id?: string; name: string })[] }>(
    '/api/categories',
    {
      signal,
    },
  );
  return itemsOf(body as { items: (string | { name: string })[] }).map((c) =>
    typeof c === 'string' ? c : c.name,
  );
}
