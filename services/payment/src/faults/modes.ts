/**
 * The faults payment can simulate (the switch, its routes and schemas come from
 * @mockmart/service-kit/faults): decline new charges, answer slowly, or be down (503).
 */
export const PAYMENT_FAULT_MODES = ['decline', 'slow', 'down'] as const;
export type PaymentFaultMode = (typeof PAYMENT_FAULT_MODES)[number];

/** How long 'slow' waits when the switch names no delayMs. */
export const DEFAULT_SLOW_MS = 2_000;
