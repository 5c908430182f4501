import { consumeCart, type CartLine } from '../cart/manage-cart.ts';
import { CartEmpty } from '../errors.ts';
import { claimKey, type IdempotencyRecord } from './idempotency-repository.ts';
import { insertOrder, type OrderRow } from './orders-repository.ts';
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
 * cart priced from the catalog (never from the client), write the pending order. Either all of
 * it happens or none: a double submit finds an empty cart, a concurrent same-key request finds the
 * key. Three statements, whatever the cart's size.
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
    const taken = await consumeCart(tx, shopper.cart);
    const priced = taken.flatMap((line) =>
      line.name !== null && line.price_minor !== null && line.currency !== null
        ? [
            {
              productId: line.product_id,
              productName: line.name,
              quantity: line.quantity,
              unitPriceMinor: line.price_minor,
              currency: line.currency.trim(),
            },
          ]
        : [],
    );
    // Throwing rolls back the key claim too: an empty-cart answer is not stored.
    if (priced.length === 0) throw new CartEmpty('Add products to the cart before checking out');
    const order = await insertOrder(tx, {
      userId: shopper.userId,
      userEmail: shopper.email,
      userName: shopper.name,
      totalMinor: priced.reduce((sum, item) => sum + item.unitPriceMinor * item.quantity, 0),
      currency: priced[0]!.currency,
      shippingAddress: body.shippingAddress,
      paymentMethod: body.paymentMethod,
      items: priced,
      idempotencyKey: idempotency?.key,
    });
    const lines = taken.map((l) => ({ product_id: l.product_id, quantity: l.quantity }));
    return { kind: 'created', order, lines };
  });
}
