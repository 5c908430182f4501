import type { Database } from '@mockmart/service-kit/db';
import { DuplicateProduct, InsufficientStock, ReservationConflict, ReservationReleased } from '../errors.ts';
import {
  findReservation,
  holdAll,
  type Reservation,
  type ReservationItem,
  type HoldOutcome,
  type Unavailable,
} from './reservations-repository.ts';

export interface ReserveInput {
  orderId: string;
  items: readonly ReservationItem[];
  ttlSeconds: number;
  clientId: string;
}

export interface ReserveDeps {
  db: Database;
  /** True when the "out-of-stock" fault is switched on for this call. */
  simulateOutOfStock: () => Promise<boolean>;
}

/**
 * Holds stock for an order, all items or none. Idempotent per order id: the same items answer the
 * existing reservation, different items are a conflict. The database guarantees the invariants:
 * one statement holds every item's units or none, reading what is available under the stock rows'
 * locks; a CHECK constraint keeps `reserved <= on_hand`; the order id is the reservation's primary key.
 */
export async function reserveStock(
  deps: ReserveDeps,
  input: ReserveInput,
): Promise<{ created: boolean; reservation: Reservation }> {
  const items = normalise(input.items);

  // The out-of-stock fault refuses new holds only: an existing reservation is answered as it is.
  const outcome: HoldOutcome = (await deps.simulateOutOfStock())
    ? { short: items.map((i) => ({ productId: i.productId, requested: i.quantity, available: 0 })) }
    : await holdAll(deps.db, { ...input, items });
  // The hold just written is answered as written (its expiry is at least 10 s away).
  if (outcome.held)
    return {
      created: true,
      reservation: { orderId: input.orderId, status: 'held', expiresAt: outcome.held.expiresAt, items },
    };

  // Nothing held: the order has a reservation already (a repeat, or one released before it was
  // made), or stock is short. A repeat whose units are taken by now is still a repeat.
  const reservation = await findReservation(deps.db, input.orderId);
  if (reservation) return { created: false, reservation: sameOrConflict(reservation, items) };
  if (outcome.short.length > 0) throw insufficient(outcome.short);
  throw new Error(`reservation ${input.orderId} was neither made nor found`);
}

function normalise(items: readonly ReservationItem[]): ReservationItem[] {
  const seen = new Set<number>();
  for (const item of items) {
    if (seen.has(item.productId))
      throw new DuplicateProduct(`Product ${item.productId} appears more than once`);
    seen.add(item.productId);
  }
  // Product order is also the lock order, so two reservations never deadlock each other.
  return [...items].sort((a, b) => a.productId - b.productId);
}

function sameOrConflict(existing: Reservation, items: readonly ReservationItem[]): Reservation {
  if (existing.status === 'released' && existing.items.length === 0) {
    // Release arrived before this reserve (a saga compensation racing a late request): never hold.
    throw new ReservationReleased(`Order ${existing.orderId} was released before it was reserved`);
  }
  const same =
    existing.items.length === items.length &&
    existing.items.every((e, i) => e.productId === items[i]?.productId && e.quantity === items[i]?.quantity);
  if (!same)
    throw new ReservationConflict(`Order ${existing.orderId} already has a reservation with other items`);
  return existing;
}

function insufficient(unavailable: Unavailable[]) {
  const ids = unavailable.map((u) => u.productId).join(', ');
  return new InsufficientStock(`Not enough stock for product(s) ${ids}`, { extensions: { unavailable } });
}
