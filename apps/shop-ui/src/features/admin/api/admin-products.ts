// Admin catalogue management (realm role admin, enforced by shop-api): create, edit (including
// the price, sent in major units with at most two decimals), delete, and set on-hand stock.
import { api } from '../../../lib/api-client.ts';
import type { Money } from '../../../lib/money.ts';

export type AdminProduct = {
  id: number;
  name: string;
  description: string;
  category: string;
  icon: string;
  image: string | null;
  price: Money;
  stock: number | null;
};

type RawProduct = Omit<AdminProduct, 'price'> & { priceMinor: number; currency: string };

export type ProductInput = {
  name: string;
  description: string;
  category: string;
  /** Minor units; converted to the API's major-unit number at the edge. */
  priceMinor: number;
  /** New on-hand units in inventory; sent only when the admin changed the figure. */
  stock?: number;
  /** The on-hand figure read when the form opened: inventory refuses the change if it moved since. */
  expectedStock?: number;
  image?: string | null;
};

function toAdminProduct(raw: RawProduct): AdminProduct {
  return { ...raw, price: { amount: raw.priceMinor, currency: raw.currency } };
}

function toBody(input: Partial<ProductInput>) {
  const { priceMinor, ...rest } = input;
  // The API takes major units; dividing an integer by 100 yields the exact two-decimal number.
  return priceMinor === undefined ? rest : { ...rest, price: priceMinor / 100 };
}

export async function listAllProducts(signal?: AbortSignal): Promise<AdminProduct[]> {
  const body = await api.get<{ items: RawProduct[] }>('/api/products', {
    signal,
    query: { page: 1, pageSize: 100 },
  });
  return body.items.map(toAdminProduct);
}

export async function createProduct(input: ProductInput): Promise<AdminProduct> {
  return toAdminProduct(await api.post<RawProduct>('/api/products', toBody(input)));
}

export async function updateProduct(id: number, input: Partial<ProductInput>): Promise<AdminProduct> {
  return toAdminProduct(await api.put<RawProduct>(`/api/products/${id}`, toBody(input)));
}

export async function deleteProduct(id: number): Promise<void> {
  await api.delete(`/api/products/${id}`);
}

type StockLevel = { productId: number; onHand: number; reserved: number; available: number };

/**
 * On-hand units as inventory holds them. The catalogue's `stock` is what shoppers can still buy
 * (on hand minus units held for checkouts), so an edit form must start from this figure instead.
 */
export async function readOnHand(productId: number, signal?: AbortSignal): Promise<number | undefined> {
  const body = await api.get<{ items: StockLevel[] }>(`/api/admin/stock/${productId}`, { signal });
  return body.items.find((level) => level.productId === productId)?.onHand;
}

export async function listCategories(signal?: AbortSignal): Promise<string[]> {
  return api.get<string[]>('/api/categories', { signal });
}
