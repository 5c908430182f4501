/**
 * A name as one URL path segment, encoded as Keycloak's JAX-RS `UriBuilder.path` does it: what a
 * segment may hold as it is (RFC 3986 pchar: `:`, `@`, sub-delims) stays, the rest is %-encoded.
 * The admin client takes a created role's name from the Location's last segment without decoding
 * it, so `stock:read` must come back as `stock:read`, not `stock%3Aread`.
 */
export function pathSegment(name: string): string {
  return encodeURIComponent(name).replace(/%(3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/g, (escaped) =>
    decodeURIComponent(escaped),
  );
}
