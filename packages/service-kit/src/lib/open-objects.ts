/** The keyword `openObject()` sets: this object takes fields nobody declared, on purpose. */
export const OPEN_OBJECT = 'x-open-object';

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null;

/**
 * JSON pointers of the object schemas inside `schema` that would let unknown fields through:
 * `type: 'object'` (or `properties`) without `additionalProperties: false`. A schema for the extra
 * fields (`additionalProperties: {…}`), `patternProperties` (a TypeBox Record) or the
 * `openObject()` marker count as a decision and pass. `$ref`s are not followed.
 */
export function openObjects(schema: unknown, pointer = ''): string[] {
  if (!isSchema(schema)) return [];
  const found: string[] = [];
  const isObject = schema.type === 'object' || isSchema(schema.properties);
  if (
    isObject &&
    (schema.additionalProperties === undefined || schema.additionalProperties === true) &&
    schema.patternProperties === undefined &&
    schema[OPEN_OBJECT] !== true
  )
    found.push(pointer || '/');

  const children: Array<[string, unknown]> = [];
  for (const key of ['properties', 'patternProperties', '$defs', 'definitions'])
    if (isSchema(schema[key]))
      for (const [name, child] of Object.entries(schema[key])) children.push([`${key}/${name}`, child]);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'])
    if (Array.isArray(schema[key])) schema[key].forEach((child, n) => children.push([`${key}/${n}`, child]));
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'])
    if (Array.isArray(schema[key])) schema[key].forEach((child, n) => children.push([`${key}/${n}`, child]));
    else if (isSchema(schema[key])) children.push([key, schema[key]]);

  for (const [path, child] of children) found.push(...openObjects(child, `${pointer}/${path}`));
  return found;
}
