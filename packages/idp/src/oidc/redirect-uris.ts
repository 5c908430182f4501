import type { Client } from '../realm/model.ts';

/**
 * Redirect-URI matching. Exact string comparison, except that a registered value ending in `*`
 * is a prefix pattern (Keycloak's wildcard convention). The realm files register exact URIs only,
 * and a pattern never matches across the origin boundary.
 */
export function matchesRegistered(registered: readonly string[], uri: string): boolean {
  for (const pattern of registered) {
    if (pattern === uri) return true;
    if (pattern.endsWith('*') && pattern.length > 1) {
      const prefix = pattern.slice(0, -1);
      try {
        if (new URL(uri).origin === new URL(prefix).origin && uri.startsWith(prefix)) return true;
      } catch {
        // not an absolute URL: no match
      }
    }
  }
  return false;
}

/** `post.logout.redirect.uris`: `##`-separated; `+` means "the valid redirect URIs". */
export function postLogoutRedirectUris(client: Client): string[] {
  const raw = client.attributes['post.logout.redirect.uris'];
  if (!raw) return [];
  return raw
    .split('##')
    .flatMap((v) => (v === '+' ? client.redirectUris : [v]))
    .filter(Boolean);
}

/** Appends response parameters to a redirect URI in the query, the fragment or a form_post page. */
export function withParams(
  uri: string,
  params: Record<string, string | undefined>,
  mode: 'query' | 'fragment',
): string {
  const url = new URL(uri);
  const search = mode === 'query' ? url.searchParams : new URLSearchParams(url.hash.slice(1));
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
  if (mode === 'fragment') url.hash = search.toString();
  return url.toString();
}
