/**
 * Whether an If-None-Match header names this entity tag (RFC 9110 §13.1.2): a list of tags or
 * `*`, compared weakly (a `W/` prefix on either side is ignored), as If-None-Match is. Shared by
 * shop-api's catalog answers and the gateway's cache of them, so both answer a condition alike.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const wanted = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === wanted);
}
