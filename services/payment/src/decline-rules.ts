/**
 * The simulated provider's deterministic decline rules (no randomness, so tests and demos can rely
 * on them). Returns the decline reason, or null when the charge goes through.
 *
 * - payment method `test-decline` always declines: `card_declined`;
 * - an amount above 500000 minor units (5,000.00) declines: `limit_exceeded`.
 */
export const CHARGE_LIMIT_MINOR = 500_000;

export type DeclineReason = 'card_declined' | 'limit_exceeded' | 'simulated_decline';

export function declineReason(charge: { amount: number; paymentMethod: string }): DeclineReason | null {
  if (charge.paymentMethod === 'test-decline') return 'card_declined';
  if (charge.amount > CHARGE_LIMIT_MINOR) return 'limit_exceeded';
  return null;
}
