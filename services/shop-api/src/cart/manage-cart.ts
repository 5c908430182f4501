import {
  addToCart,
  deleteLine,
  MAX_DISTINCT_ITEMS,
  MAX_QUANTITY,
  moveLines,
  putBackLines,
  setLineQuantity,
  type CartLine,
  type CartProductLine,
} from './cart-repository.ts';
import { currentProducts } from '../catalog/current-products.ts';
import { findProductsInCart } from '../catalog/products-repository.ts';
import { CartItemNotFound, CartQuantityLimit, CartTooManyItems, ProductNotFound } from '../errors.ts';
import { CURRENCY, toMajor } from '../lib/money.ts';
import type { CatalogDeps } from '../catalog/browse-catalog.ts';
import type { Database, Queryable } from '../lib/db.ts';
import type { CartOwner } from './cart-owner.ts';
import type { CartChanged, CartItem } from './schemas.ts';

export interface CartDeps extends CatalogDeps {
  db: Database;
}

export async function viewCart(deps: CartDeps, owner: CartOwner): Promise<CartItem[]> {
  return cartItems(deps, await findProductsInCart(deps.db, owner.key));
}

/** The cart's lines as the shopper sees them: each product with its current availability. */
async function cartItems(deps: CartDeps, lines: readonly CartProductLine[]): Promise<CartItem[]> {
  const products = await currentProducts(deps, lines);
  return lines.map((line) => ({
    productId: line.id,
    quantity: line.quantity,
    product: products.get(line.id)!,
  }));
}

export function summarise(cart: CartItem[]): CartChanged {
  const totalMinor = cart.reduce((sum, item) => sum + item.product.priceMinor * item.quantity, 0);
  return {
    success: true,
    cart,
    itemCount: cart.reduce((sum, item) => sum + item.quantity, 0),
    total: toMajor(totalMinor),
    totalMinor,
    currency: cart[0]?.product.currency ?? CURRENCY,
  };
}

/** Adds quantity of a catalog product (stock is checked at checkout, where it is reserved). */
export async function addItem(
  deps: CartDeps,
  owner: CartOwner,
  productId: number,
  quantity: number,
): Promise<CartChanged> {
  const added = await addToCart(deps.db, owner.key, productId, quantity);
  if (added.kind === 'no-such-product') throw new ProductNotFound(`No product with id ${productId}`);
  if (added.kind === 'too-many-lines')
    throw new CartTooManyItems(`A cart holds at most ${MAX_DISTINCT_ITEMS} different products`);
  if (added.kind === 'quantity-limit')
    throw new CartQuantityLimit(`At most ${MAX_QUANTITY} of one product per order`);
  return summarise(await cartItems(deps, added.lines));
}

/** Sets the quantity of a line already in the cart; 0 removes it (parity with the original). */
export async function setQuantity(
  deps: CartDeps,
  owner: CartOwner,
  productId: number,
  quantity: number,
): Promise<CartChanged> {
  const changed =
    quantity === 0
      ? await deleteLine(deps.db, owner.key, productId)
      : await setLineQuantity(deps.db, owner.key, productId, quantity);
  if (!changed) throw new CartItemNotFound(`Product ${productId} is not in the cart`);
  return summarise(await viewCart(deps, owner));
}

/** Idempotent: removing an absent line answers the unchanged cart. */
export async function removeItem(deps: CartDeps, owner: CartOwner, productId: number): Promise<CartChanged> {
  await deleteLine(deps.db, owner.key, productId);
  return summarise(await viewCart(deps, owner));
}

/**
 * At sign-in: the anonymous cart's lines join the user's cart (quantities summed, capped at 99).
 * The user's cart stays within its 50 lines: products that do not fit are left out and counted.
 */
export async function mergeCarts(
  deps: CartDeps,
  from: CartOwner | undefined,
  into: CartOwner,
): Promise<CartChanged & { merged: number; dropped: number }> {
  const result = from
    ? await deps.db.transaction((tx) => moveLines(tx, from.key, into.key))
    : { moved: 0, dropped: 0 };
  return { ...summarise(await viewCart(deps, into)), merged: result.moved, dropped: result.dropped };
}

/** For a failed checkout: gives the shopper their cart back. */
export function restoreCart(db: Queryable, owner: CartOwner, lines: readonly CartLine[]): Promise<void> {
  return putBackLines(db, owner.key, lines);
}

export type { CartLine };
