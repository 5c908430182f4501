import type { Database } from '@mockmart/service-kit/db';
import { StockBelowReserved } from '../errors.ts';
import { findStock, upsertOnHand, type StockLevel } from './stock-repository.ts';

/**
 * Admin adjustment: sets the units on the shelf (creating the product's row if it is new).
 * It may not go below the units currently held for open reservations.
 */
export async function adjustStock(db: Database, productId: number, onHand: number): Promise<StockLevel> {
  const level = await upsertOnHand(db, productId, onHand);
  if (level) return level;
  const [current] = await findStock(db, [productId]);
  throw new StockBelowReserved(
    `Product ${productId} has ${current?.reserved ?? 0} units held; on-hand stock cannot be set to ${onHand}`,
    { extensions: { productId, reserved: current?.reserved ?? 0 } },
  );
}
