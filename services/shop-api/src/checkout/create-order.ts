import { CartEmpty } from '../errors.ts';
import { readKey, type IdempotencyRecord } from './idempotency-repository.ts';
import { writePendingOrder } from './pending-order-repository.ts';
import type { CartLine } from '../cart/manage-cart.ts';
import type { OrderRow } from './orders-repository.ts';
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
 * Step 1 of the saga, one statement (pending-order-repository.ts): claim the Idempotency-Key (if
 * any), take the whole cart priced from the catalog (never from the client), write the pending
 * order. Either all of it happens or none: a double submit finds an empty cart, a concurrent
 * same-key request finds the key.
 */
export async function createPendingOrder(
  db: Database,
  shopper: Shopper,
  body: CheckoutBody,
  idempotency?: { key: string; requestHash: string },
): Promise<Created> {
  for (let attempt = 1; ; attempt++) {
    const written = await writePendingOrder(db, {
      userId: shopper.userId,
      userEmail: shopper.email,
      userName: shopper.name,
      cartKey: shopper.cart.key,
      shippingAddress: body.shippingAddress,
      paymentMethod: body.paymentMethod,
      idempotency,
    });
    if (written.kind === 'created') return written;
    // An empty-cart answer leaves nothing behind: the key stays free for a checkout that can happen.
    if (written.kind === 'cart-empty') throw new CartEmpty('Add products to the cart before checking out');
    const record = await readKey(db, shopper.userId, idempotency!.key);
    if (record) return { kind: 'existing', record };
    // The key's row was pruned between the two statements (it was a day old): claim it again.
    if (attempt === 3) throw new Error(`Idempotency-Key of ${shopper.userId} neither free nor readable`);
  }
}
