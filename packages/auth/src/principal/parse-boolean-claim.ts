/**
 * The one parser for boolean-ish claims (problem 4: `canCheckout` arrived as `true`, `"true"` and
 * `["true"]` depending on the Keycloak version and mapper `jsonType.label`).
 *
 * - `true` / `false`                    → itself
 * - `"true"` / `"false"` in any case, trimmed → true / false
 * - a one-element array of the above    → that element parsed (Keycloak's raw multivalued attribute)
 * - anything else, including missing, `"yes"`, `1`, `["true","false"]` → false (deny by default)
 *
 * @example parseBooleanClaim(['true']) // true
 */
export function parseBooleanClaim(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.trim().toLowerCase() === 'true';
  if (Array.isArray(value) && value.length === 1) {
    const [only] = value as unknown[];
    return typeof only === 'boolean' || typeof only === 'string' ? parseBooleanClaim(only) : false;
  }
  return false;
}
