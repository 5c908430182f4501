import { Type } from '@sinclair/typebox';
import { strictObject } from '@mockmart/service-kit';

/** The faults notification can simulate: hang, reject the recipient, render slowly. */
export type NotificationFaultMode = 'timeout' | 'invalid-email' | 'slow-template';

/** Longest delay or hang a fault may cause, so a forgotten switch can never hold a request for ever. */
export const MAX_FAULT_DELAY_MS = 30_000;
export const DEFAULT_SLOW_TEMPLATE_MS = 3_000;

const mode = Type.Union([
  Type.Literal('timeout'),
  Type.Literal('invalid-email'),
  Type.Literal('slow-template'),
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
