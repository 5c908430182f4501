import { Type, type TString } from '@sinclair/typebox';

// A JSON-Schema extension keyword rather than a symbol, so Type.Optional(secret(...)) keeps it.
const SECRET = 'x-secret';

/**
 * A secret setting: never has a default, may also be given as `NAME_FILE` (path to a file holding
 * the value, as Docker and Kubernetes secrets are mounted), and its value never appears in errors.
 */
export function secret(description: string, options: { minLength?: number } = {}): TString {
  // Callers outside TypeScript (or through a cast) could still hand a default in: refuse it here,
  // and loadConfig refuses any secret schema that carries one however it was built.
  if ('default' in options) throw new TypeError(`secret("${description}"): a secret never has a default`);
  return Type.String({ description, minLength: options.minLength ?? 16, [SECRET]: true });
}

export function isSecret(schema: unknown): boolean {
  return (
    typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[SECRET] === true
  );
}
