import { Type, type ObjectOptions, type TProperties } from '@sinclair/typebox';

/** An object schema that rejects unknown fields: the default for every request body. */
export function strictObject<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { ...options, additionalProperties: false });
}
