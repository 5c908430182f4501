import { Type, type ObjectOptions, type TProperties, type TSchema } from '@sinclair/typebox';
import { OPEN_OBJECT } from './lib/open-objects.ts';

/** An object schema that rejects unknown fields: the default for every request body. */
export function strictObject<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/**
 * Marks an object in a request schema as open on purpose (free-form metadata, a pass-through),
 * so createApp's start-up check lets it take fields no schema declares. Say why at the call site.
 *
 * @example
 *   data: openObject(Type.Object({}, { additionalProperties: true })),
 */
export function openObject<T extends TSchema>(schema: T): T {
  return { ...schema, [OPEN_OBJECT]: true };
}
