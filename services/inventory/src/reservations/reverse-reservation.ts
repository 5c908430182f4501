import type { Database } from '@mockmart/service-kit/db';
import { ReservationNotCommitted, ReservationNotFound } from '../errors.ts';
import { restockUnits } from '../stock/stock-repository.ts';
import { findReservation, lockReservation, setStatus, type Reservation } from './reservations-repository.ts';

/**
 * Undoes a sale: a committed reservation's units go back on the shelf and it becomes `reversed`.
 * The compensation of commit, for an order that took the stock and then failed (its charge is
 * refunded): without it the stock of a failed order would be lost. Idempotent — reversing a
 * reversed reservation changes nothing and answers it again. Anything else (held, released,
 * expired) is 409 `INV_RESERVATION_NOT_COMMITTED` with its real `reservationStatus`: there is no
 * sale to undo (a hold is given back by release).
 */
export async function reverseReservation(db: Database, orderId: string): Promise<Reservation> {
  const outcome = await db.transaction(async (tx) => {
    const locked = await lockReservation(tx, orderId);
    if (!locked) return 'not-found' as const;
    if (locked.status !== 'committed') return locked.status;
    for (const item of locked.items) await restockUnits(tx, item.productId, item.quantity);
    await setStatus(tx, orderId, 'reversed');
    return 'reversed' as const;
  });
  if (outcome === 'not-found') throw new ReservationNotFound(`No reservation for order ${orderId}`);
  if (outcome !== 'reversed') {
    // A hold past its expiry reads as expired, as everywhere else.
    const current = await findReservation(db, orderId);
    const status = current?.status ?? outcome;
    throw new ReservationNotCommitted(`The reservation of order ${orderId} is ${status}, not committed`, {
      extensions: { orderId, reservationStatus: status },
    });
  }
  return (await findReservation(db, orderId)) as Reservation;
}
