import { AjvCompiler, type Options } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type AjvOptions = { customOptions?: Options };
type BuildValidator = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

/**
 * Fastify's Ajv compiler, with type coercion only where values arrive as text. A query string,
 * path parameter or header is always a string, so `?page=2` is read as the integer its schema
 * says. A JSON body carries its own types: `{"onHand": null}`, `"0x10"`, `true` or `[2]` where an
 * integer is expected is a 400, never 0, 16, 1 or 2 written to the database.
 */
export function validatorsWithoutBodyCoercion(): BuildValidator {
  const fromPool = AjvCompiler();
  return (externalSchemas, ajvOptions) => {
    const options = ajvOptions as AjvOptions;
    const coercing = fromPool(externalSchemas, options);
    const exact = fromPool(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, coerceTypes: false },
    });
    return (route) => {
      if (route.httpPart !== 'body') return coercing(route);
      const validate = exact(route);
      return isOptional(route.schema) ? absentAllowed(validate) : validate;
    };
  };
}

const TYPEBOX_OPTIONAL = Symbol.for('TypeBox.Optional');

/** `body: Type.Optional(…)`: the route takes a body or none. */
function isOptional(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && TYPEBOX_OPTIONAL in schema;
}

type Validate = ReturnType<ReturnType<ReturnType<typeof AjvCompiler>>>;

/** Fastify hands a validator `null` for a request without a body; for an optional body that is fine. */
function absentAllowed(validate: Validate): Validate {
  const check = (data: unknown) => data === null || validate(data);
  Object.defineProperty(check, 'errors', { get: () => validate.errors });
  return check as unknown as Validate;
}
