import type { Static, TSchema } from '@sinclair/typebox';
import { fits } from './schema-check.ts';

/**
 * JSON this service stored, read back as the schema's type when it still fits the schema, else
 * undefined (written by an older version, or changed by hand): never trusted by a cast.
 */
export function readStored<T extends TSchema>(schema: T, value: unknown): Static<T> | undefined {
  return fits(schema, value) ? value : undefined;
}
