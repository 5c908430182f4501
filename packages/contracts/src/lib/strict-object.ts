import { Type, type ObjectOptions, type TProperties } from '@sinclair/typebox';

/**
 * An object schema that rejects unknown fields (the default for every request body). The same
 * helper as service-kit's: contracts depend on TypeBox alone, so the UI can read their types
 * without pulling in the server kit.
 */
export function strictObject<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { ...options, additionalProperties: false });
}
