// The cart lives in shop-api, keyed by the signed-in user or, for a visitor, by a cart id the
// gateway keeps in the session (it adds X-Cart-Id server-side). Unit prices come from the server's
// catalogue; checkout re-prices everything again, so the totals here are for display only.
import { api } from '../../../lib/api-client.ts';
import type { Money } from '../../../lib/money.ts';

export type CartLine = {
  productId: number;
  name: string;
  icon: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
};

export type Cart = { items: CartLine[]; total: Money; itemCount: number };

type RawItem = {
  productId: number;
  quantity: number;
  product: { name: string; icon: string; priceMinor: number; currency: string };
};
type RawChanged = { success: true; cart: RawItem[]; itemCount: number; totalMinor: number; currency: string };

function toLine(item: RawItem): CartLine {
  const unitPrice = { amount: item.product.priceMinor, currency: item.product.currency };
  return {
    productId: item.productId,
    name: item.product.name,
    icon: item.product.icon,
    quantity: item.quantity,
    unitPrice,
    lineTotal: { amount: unitPrice.amount * item.quantity, currency: unitPrice.currency },
  };
}

function fromItems(items: RawItem[]): Cart {
  const lines = items.map(toLine);
  return {
    items: lines,
    itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
    total: {
      amount: lines.reduce((sum, l) => sum + l.lineTotal.amount, 0),
      currency: lines[0]?.unitPrice.currency ?? 'EUR',
    },
  };
}

function fromChanged(body: RawChanged): Cart {
  return {
    items: body.cart.map(toLine),
    itemCount: body.itemCount,
    total: { amount: body.totalMinor, currency: body.currency },
  };
}

export async function getCart(signal?: AbortSignal): Promise<Cart> {
  return fromItems(await api.get<RawItem[]>('/api/cart', { signal }));
}

export async function addCartItem(productId: number, quantity = 1): Promise<Cart> {
  return fromChanged(await api.post<RawChanged>('/api/cart', { productId, quantity }));
}

/** Quantity 0 removes the line. */
export async function setCartItemQuantity(productId: number, quantity: number): Promise<Cart> {
  return fromChanged(await api.put<RawChanged>(`/api/cart/${productId}`, { quantity }));
}

export async function removeCartItem(productId: number): Promise<Cart> {
  return fromChanged(await api.delete<RawChanged>(`/api/cart/${productId}`));
}
