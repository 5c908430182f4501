import type { Database } from '@mockmart/service-kit/db';
import { StockBelowReserved, StockChanged } from '../errors.ts';
import { findStock, setOnHandIfUnchanged, upsertOnHand, type StockLevel } from './stock-repository.ts';

export interface StockAdjustment {
  onHand: number;
  /** The on-hand figure the caller read: the adjustment applies only if it still holds. */
  expectedOnHand?: number | undefined;
}

/**
 * Admin adjustment: sets the units on the shelf (creating the product's row if it is new). It may
 * not go below the units currently held for open reservations. With `expectedOnHand` it is a
 * compare-and-set: a sale committed since the caller read the figure makes it 409 instead of being
 * silently undone (the original's lost update). Finding the target figure already there is a 409
 * too: another admin may have made the same change, and answering 200 would swallow this one.
 */
export async function adjustStock(
  db: Database,
  productId: number,
  { onHand, expectedOnHand }: StockAdjustment,
): Promise<StockLevel> {
  const level =
    expectedOnHand === undefined
      ? await upsertOnHand(db, productId, onHand)
      : await setOnHandIfUnchanged(db, productId, onHand, expectedOnHand);
  if (level) return level;

  const [current] = await findStock(db, [productId]);
  const currentOnHand = current?.onHand ?? 0;
  const reserved = current?.reserved ?? 0;
  if (expectedOnHand !== undefined && currentOnHand !== expectedOnHand) {
    throw new StockChanged(
      `Product ${productId} has ${currentOnHand} units on hand, not the ${expectedOnHand} expected; read it again`,
      { extensions: { productId, onHand: currentOnHand, reserved } },
    );
  }
  throw new StockBelowReserved(
    `Product ${productId} has ${reserved} units held; on-hand stock cannot be set to ${onHand}`,
    { extensions: { productId, reserved } },
  );
}
