import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { strictObject } from '../schemas.ts';
import { MAX_FAULT_DELAY_MS } from './delay.ts';

/** Most applications one PUT may arm, so `remaining` stays a test-sized number. */
export const MAX_FAULT_REMAINING = 10_000;
/** Most users one fault may aim at (a demo picks a few shoppers). */
export const MAX_FAULT_USERS = 20;

/** The PUT body and the GET/PUT answer of /api/faults for a service's own modes (plus 'none'). */
export function faultSchemas(modes: readonly string[]) {
  const mode: TUnion<TLiteral<string>[]> = Type.Union([...modes, 'none'].map((m) => Type.Literal(m)));
  return {
    setting: strictObject({
      mode,
      delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS })),
      remaining: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FAULT_REMAINING })),
      userIds: Type.Optional(
        Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S+$' }), {
          minItems: 1,
          maxItems: MAX_FAULT_USERS,
          uniqueItems: true,
        }),
      ),
      includeReads: Type.Optional(Type.Boolean()),
    }),
    state: Type.Object({
      mode,
      delayMs: Type.Union([Type.Integer(), Type.Null()]),
      remaining: Type.Union([Type.Integer(), Type.Null()]),
      userIds: Type.Union([Type.Array(Type.String()), Type.Null()]),
      includeReads: Type.Boolean(),
      updatedBy: Type.Union([Type.String(), Type.Null()]),
      updatedAt: Type.String(),
    }),
  };
}
