import { defineError } from '@mockmart/service-kit';

/** Every error payment raises on purpose. Codes are stable: a shipped code is never renamed. */
export const PaymentDeclined = defineError('PAY_DECLINED', 402, 'Payment declined');
export const IdempotencyMismatch = defineError(
  'PAY_IDEMPOTENCY_MISMATCH',
  422,
  'This Idempotency-Key was already used with a different request',
);
export const OrderAlreadyPaid = defineError(
  'PAY_ORDER_ALREADY_PAID',
  409,
  'The order already has a succeeded charge',
);
export const ChargeNotFound = defineError('PAY_CHARGE_NOT_FOUND', 404, 'Charge not found');
export const ChargeNotRefundable = defineError(
  'PAY_CHARGE_NOT_REFUNDABLE',
  409,
  'Only a succeeded charge can be refunded',
);
export const AlreadyRefunded = defineError(
  'PAY_ALREADY_REFUNDED',
  409,
  'The charge is already fully refunded',
);
export const RefundExceedsCharge = defineError(
  'PAY_REFUND_EXCEEDS_CHARGE',
  409,
  'The refund is larger than what is left of the charge',
);
export const PaymentUnavailable = defineError('PAY_UNAVAILABLE', 503, 'Payment provider unavailable');
export const ChargeVoided = defineError(
  'PAY_CHARGE_VOIDED',
  409,
  'The charge was voided by its caller before it arrived',
);
