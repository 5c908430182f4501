import { FormatRegistry, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

// TypeBox's Value checker knows no string formats by itself (requests are checked by fastify's ajv,
// which does): JSON read back from the database is checked with the formats our schemas use. The
// e-mail check is loose on purpose: the receiving service validates the address itself.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (value) => EMAIL.test(value));

/**
 * JSON this service stored, read back as the schema's type when it still fits the schema, else
 * undefined (written by an older version, or changed by hand): never trusted by a cast.
 */
export function readStored<T extends TSchema>(schema: T, value: unknown): Static<T> | undefined {
  return Value.Check(schema, value) ? value : undefined;
}
