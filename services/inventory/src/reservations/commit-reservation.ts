import type { Database } from '@mockmart/service-kit/db';
import {
  ReservationExpired,
  ReservationNotFound,
  ReservationReleased,
  ReservationReversed,
} from '../errors.ts';
import { endHoldAndMoveUnits, lockReservation, type Reservation } from './reservations-repository.ts';

/**
 * Turns a hold into a sale: the units leave the shelf. Idempotent (committing twice is a no-op and
 * answers the committed reservation); a released, expired or reversed reservation cannot be
 * committed, and the refusal names the reservation's real status (`reservationStatus` in the
 * problem). A hold found past its expiry is expired right here, before the sweeper gets to it, so a
 * late commit never sells units already given back.
 */
export async function commitReservation(db: Database, orderId: string): Promise<Reservation> {
  // The live hold, the common case: one statement ends it and moves its units.
  const ended = await endHoldAndMoveUnits(db, orderId);
  const outcome = ended
    ? { status: ended.status, reservation: { orderId, ...ended } }
    : // Not a live hold: committed already (a repeated commit), or released, expired, reversed, unknown.
      await db.transaction(async (tx) => {
        const locked = await lockReservation(tx, orderId);
        if (!locked) return { status: 'not-found' as const };
        if (locked.status === 'held') {
          // Its hold committed after the statement above looked: end it now, under this row lock.
          const late = await endHoldAndMoveUnits(tx, orderId);
          if (late) return { status: late.status, reservation: { orderId, ...late } };
        }
        const { status, expiresAt, items } = locked;
        return { status, reservation: { orderId, status, expiresAt, items } };
      });

  if (outcome.status === 'not-found') throw new ReservationNotFound(`No reservation for order ${orderId}`);
  const state = { extensions: { orderId, reservationStatus: outcome.status } };
  if (outcome.status === 'released')
    throw new ReservationReleased(`The reservation of order ${orderId} was released`, state);
  if (outcome.status === 'expired')
    throw new ReservationExpired(`The reservation of order ${orderId} has expired`, state);
  if (outcome.status === 'reversed')
    throw new ReservationReversed(`The sale of order ${orderId} was reversed`, state);
  // Committed now or before (a repeated commit): the reservation as it stands after this transaction.
  return outcome.reservation;
}
