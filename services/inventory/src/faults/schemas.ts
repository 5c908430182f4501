import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';

/** The faults inventory can simulate. */
export const INVENTORY_FAULT_MODES = ['out-of-stock', 'slow'] as const;
export type InventoryFaultMode = (typeof INVENTORY_FAULT_MODES)[number];

/** Longest delay a fault may add, so a forgotten switch can never hang a request for ever. */
export const MAX_FAULT_DELAY_MS = 30_000;
export const DEFAULT_SLOW_MS = 1_500;

const mode = Type.Union([Type.Literal('out-of-stock'), Type.Literal('slow'), Type.Literal('none')]);

export const faultSettingSchema = strictObject({
  mode,
  delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS })),
  remaining: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});

export const faultStateSchema = Type.Object({
  mode,
  delayMs: Type.Union([Type.Integer(), Type.Null()]),
  remaining: Type.Union([Type.Integer(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String(),
});
