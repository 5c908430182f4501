import { consumeCart, type CartLine } from '../cart/manage-cart.ts';
import { findProductsByIds } from '../catalog/products-repository.ts';
import { CartEmpty } from '../errors.ts';
import { attachOrder, claimKey, type IdempotencyRecord } from './idempotency-repository.ts';
import { findOrder, insertOrder, type OrderRow } from './orders-repository.ts';
import type { CartOwner } from '../cart/cart-owner.ts';
import type { Database } from '../lib/db.ts';
import type { CheckoutBody } from './schemas.ts';

export interface Shopper {
  userId: string;
  email: string | null;
  name: string;
  cart: CartOwner;
}

export type Created =
  { kind: 'created'; order: OrderRow; lines: CartLine[] } | { kind: 'existing'; record: IdempotencyRecord };

/**
 * Step 1 of the saga, one local transaction: claim the Idempotency-Key (if any), take the whole
 * cart, price it from the catalog (never from the client), write the pending order. Either all of
 * it happens or none: a double submit finds an empty cart, a concurrent same-key request finds the key.
 */
export async function createPendingOrder(
  db: Database,
  shopper: Shopper,
  body: CheckoutBody,
  idempotency?: { key: string; requestHash: string },
): Promise<Created> {
  return db.transaction(async (tx) => {
    if (idempotency) {
      const existing = await claimKey(tx, shopper.userId, idempotency.key, idempotency.requestHash);
      if (existing) return { kind: 'existing', record: existing };
    }
    const lines = await consumeCart(tx, shopper.cart);
    const products = new Map(
      (
        await findProductsByIds(
          tx,
          lines.map((l) => l.product_id),
        )
      ).map((p) => [p.id, p]),
    );
    const priced = lines.flatMap((line) => {
      const product = products.get(line.product_id);
      return product
        ? [
            {
              productId: product.id,
              productName: product.name,
              quantity: line.quantity,
              unitPriceMinor: product.price_minor,
              currency: product.currency.trim(),
            },
          ]
        : [];
    });
    // Throwing rolls back the key claim too: an empty-cart answer is not stored.
    if (priced.length === 0) throw new CartEmpty('Add products to the cart before checking out');
    const orderId = await insertOrder(tx, {
      userId: shopper.userId,
      userEmail: shopper.email,
      userName: shopper.name,
      totalMinor: priced.reduce((sum, item) => sum + item.unitPriceMinor * item.quantity, 0),
      currency: priced[0]!.currency,
      shippingAddress: body.shippingAddress,
      paymentMethod: body.paymentMethod,
      items: priced,
    });
    if (idempotency) await attachOrder(tx, shopper.userId, idempotency.key, orderId);
    return { kind: 'created', order: (await findOrder(tx, orderId))!, lines };
  });
}
