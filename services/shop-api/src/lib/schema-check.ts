import { FormatRegistry, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

// TypeBox's Value checker knows no string formats by itself (requests are checked by fastify's ajv,
// which does): JSON read back from the database or from another service is checked with the
// formats our schemas use. The e-mail check is loose on purpose: the receiving service validates
// the address itself.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (value) => EMAIL.test(value));

/** Whether `value` is what `schema` describes (extra object members allowed where the schema does). */
export function fits<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return Value.Check(schema, value);
}

/** Where and how `value` first departs from `schema`, for a log line; undefined when it fits. */
export function firstMismatch(schema: TSchema, value: unknown): string | undefined {
  const error = Value.Errors(schema, value).First();
  return error ? `${error.path || '/'}: ${error.message}` : undefined;
}
