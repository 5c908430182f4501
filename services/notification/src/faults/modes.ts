/**
 * The faults notification can simulate (the switch, its routes and schemas come from
 * @mockmart/service-kit/faults): hang, reject the recipient, render slowly.
 */
export const NOTIFICATION_FAULT_MODES = ['timeout', 'invalid-email', 'slow-template'] as const;
export type NotificationFaultMode = (typeof NOTIFICATION_FAULT_MODES)[number];

/** How long 'slow-template' waits when the switch names no delayMs. */
export const DEFAULT_SLOW_TEMPLATE_MS = 3_000;
