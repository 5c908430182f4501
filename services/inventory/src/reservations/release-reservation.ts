import type { Database } from '@mockmart/service-kit/db';
import { ReservationCommitted } from '../errors.ts';
import { unholdUnits } from '../stock/stock-repository.ts';
import {
  findReservation,
  insertReservation,
  lockReservation,
  setStatus,
  type Reservation,
} from './reservations-repository.ts';

/**
 * Gives a hold back (saga compensation). Idempotent: releasing a released or expired reservation
 * changes nothing. For an unknown order it records an empty "released" tombstone, so a reserve
 * request for that order that arrives late (after its compensation) can never hold stock.
 * A committed reservation is a sale: releasing it is refused with its real status (409
 * `INV_RESERVATION_COMMITTED`, `reservationStatus: 'committed'`), never answered "ok" — undoing a sale is
 * the explicit reverse (reverse-reservation.ts). A reversed one answers its status as it is.
 */
export async function releaseReservation(
  db: Database,
  orderId: string,
  clientId: string,
): Promise<Reservation> {
  const committed = await db.transaction(async (tx) => {
    await insertReservation(tx, { orderId, status: 'released', ttlSeconds: 0, clientId });
    const locked = await lockReservation(tx, orderId);
    if (locked?.status === 'committed') return true;
    if (locked?.status === 'held') {
      for (const item of locked.items) await unholdUnits(tx, item.productId, item.quantity);
      await setStatus(tx, orderId, 'released');
    }
    return false;
  });
  if (committed)
    throw new ReservationCommitted(`The reservation of order ${orderId} is already committed`, {
      extensions: { orderId, reservationStatus: 'committed' },
    });
  return (await findReservation(db, orderId)) as Reservation;
}
