import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';

/** The faults payment can simulate: decline new charges, answer slowly, or be down (503). */
export type PaymentFaultMode = 'decline' | 'slow' | 'down';

/** Longest delay a fault may add, so a forgotten switch can never hang a request for ever. */
export const MAX_FAULT_DELAY_MS = 30_000;
export const DEFAULT_SLOW_MS = 2_000;

const mode = Type.Union([
  Type.Literal('decline'),
  Type.Literal('slow'),
  Type.Literal('down'),
  Type.Literal('none'),
]);

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
