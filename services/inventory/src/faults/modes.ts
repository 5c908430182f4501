/**
 * The faults inventory can simulate (the switch, its routes and schemas come from
 * @mockmart/service-kit/faults): refuse reservations as out of stock, or answer slowly.
 */
export const INVENTORY_FAULT_MODES = ['out-of-stock', 'slow'] as const;
export type InventoryFaultMode = (typeof INVENTORY_FAULT_MODES)[number];

/** How long 'slow' waits when the switch names no delayMs. */
export const DEFAULT_SLOW_MS = 1_500;
