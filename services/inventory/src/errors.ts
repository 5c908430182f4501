import { defineError } from '@mockmart/service-kit';

/** Every error inventory raises on purpose. Codes are stable: a shipped code is never renamed. */
export const InsufficientStock = defineError('INV_INSUFFICIENT_STOCK', 409, 'Insufficient stock');
export const ReservationConflict = defineError(
  'INV_RESERVATION_CONFLICT',
  409,
  'A reservation with different items already exists for this order',
);
export const ReservationNotFound = defineError('INV_RESERVATION_NOT_FOUND', 404, 'Reservation not found');
export const ReservationReleased = defineError('INV_RESERVATION_RELEASED', 409, 'Reservation was released');
export const ReservationExpired = defineError('INV_RESERVATION_EXPIRED', 409, 'Reservation has expired');
export const ReservationCommitted = defineError(
  'INV_RESERVATION_COMMITTED',
  409,
  'Reservation is already committed and cannot be released',
);
export const ReservationReversed = defineError(
  'INV_RESERVATION_REVERSED',
  409,
  'Reservation was committed and then reversed',
);
export const ReservationNotCommitted = defineError(
  'INV_RESERVATION_NOT_COMMITTED',
  409,
  'Only a committed reservation can be reversed',
);
export const DeadlineExceeded = defineError(
  'INV_DEADLINE_EXCEEDED',
  504,
  "The caller's deadline passed before the work could start",
);
export const DuplicateProduct = defineError('INV_DUPLICATE_PRODUCT', 400, 'A product appears more than once');
export const StockBelowReserved = defineError(
  'INV_STOCK_BELOW_RESERVED',
  409,
  'On-hand stock cannot go below the units currently held',
);
export const StockChanged = defineError('INV_STOCK_CHANGED', 409, 'On-hand stock changed since it was read');
